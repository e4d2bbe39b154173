#version 300 es
// line-3d.vert — the path through a long recording's points, 3-D
layout(location = 0) in vec3 a_pos;
uniform mat4 u_mvp;
void main() { gl_Position = u_mvp * vec4(a_pos, 1.0); }
