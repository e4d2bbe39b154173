#version 300 es
// tile-3d.vert — a point of a 3-D map as a camera-facing tile, sized by its distance
layout(location = 0) in vec3 a_pos;
#include <tile-attrs>
uniform mat4 u_mvp;
uniform float u_world;   // tile edge in world units
uniform float u_pxPerWorld;  // CSS px per world unit at distance 1
uniform vec2 u_clampPx;  // smallest and largest tile edge, CSS px
void main() {
  vec2 k = corner();
  int st = int(a_state + 0.5);
  vec4 c = u_mvp * vec4(a_pos, 1.0);
  float s = clamp(u_world * u_pxPerWorld / max(c.w, 1e-4), u_clampPx.x, u_clampPx.y);
  s *= u_grow * ((st & 2) != 0 ? 1.25 : 1.0);
  c.xy += k * s * u_px * 2.0 * c.w;
  if (c.w <= 0.0 || !(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y) || !(a_pos.z == a_pos.z)) c = vec4(-9.0, -9.0, 0.0, 1.0);
  gl_Position = c;
  tileOut(k, s, st);
}
