#version 300 es
// line-2d.vert — the path through a long recording's points, 2-D
layout(location = 0) in vec2 a_pos;
uniform vec2 u_scale;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0); }
