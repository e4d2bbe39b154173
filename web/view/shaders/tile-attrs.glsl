// tile-attrs.glsl — per-point attributes and outputs shared by the tile vertex shaders (inserted where a vertex shader says #include <tile-attrs>)
layout(location = 1) in float a_tile;
layout(location = 2) in vec4 a_color;
layout(location = 3) in float a_state;
uniform float u_grow;    // extra scale of this draw (the hovered point)
uniform float u_cols;
uniform vec2 u_tileUV;   // one tile in texture coordinates
uniform vec2 u_px;       // one CSS px in clip units / 2
out vec2 v_uv;
out vec2 v_local;
out vec4 v_color;
out float v_size;
flat out int v_state;
vec2 corner() { return vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) - 0.5; }
void tileOut(vec2 corner, float size, int st) {
  float col = mod(a_tile, u_cols);
  float row = floor(a_tile / u_cols + 1e-4);
  vec2 inset = u_tileUV * 0.01;
  v_uv = vec2(col, row) * u_tileUV + inset + vec2(corner.x + 0.5, 0.5 - corner.y) * (u_tileUV - 2.0 * inset);
  v_local = corner;
  v_color = a_color;
  v_state = st;
  v_size = size;
}
