#version 300 es
// line.frag — the path's colour
precision mediump float;
uniform vec4 u_color;
out vec4 o;
void main() { o = u_color; }
