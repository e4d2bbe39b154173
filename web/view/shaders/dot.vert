#version 300 es
// dot.vert — far zoomed out in 2-D: one GL point per sprite, a quarter of the vertices of the quads
layout(location = 0) in vec2 a_pos;
layout(location = 1) in float a_tile;
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_state;
uniform vec2 u_scale;
uniform vec2 u_offset;
uniform float u_size;     // device px
uniform float u_cols;
uniform vec2 u_tileUV;
out vec4 v_color;
out vec2 v_uv;
flat out int v_state;
void main() {
  gl_Position = vec4(a_pos * u_scale + u_offset, 0.0, 1.0);
  if (!(a_pos.x == a_pos.x) || !(a_pos.y == a_pos.y)) gl_Position = vec4(-9.0, -9.0, 0.0, 1.0);
  int st = int(a_state + 0.5);
  gl_PointSize = u_size * ((st & 2) != 0 ? 1.5 : 1.0);
  v_color = a_color;
  float col = mod(a_tile, u_cols), row = floor(a_tile / u_cols + 1e-4);
  v_uv = (vec2(col, row) + 0.5) * u_tileUV;
  v_state = st;
}
