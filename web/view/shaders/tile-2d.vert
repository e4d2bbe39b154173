#version 300 es
// tile-2d.vert — a point of a 2-D map as a tile: an instanced quad around its data position
layout(location = 0) in vec2 a_pos;
#include <tile-attrs>
uniform vec2 u_scale;    // data → clip
uniform vec2 u_offset;
uniform float u_size;    // tile edge, CSS px
void main() {
  vec2 k = corner();
  int st = int(a_state + 0.5);
  float s = u_size * u_grow * ((st & 2) != 0 ? 1.25 : 1.0);
  vec2 c = a_pos * u_scale + u_offset + k * s * u_px * 2.0;
  if (!(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y)) c = vec2(-9.0);   // NaN: not mapped
  gl_Position = vec4(c, 0.0, 1.0);
  tileOut(k, s, st);
}
