#version 300 es
// tile.frag — a tile: its spectrogram from the atlas in a rounded square with a border of its colour and state
precision mediump float;
in vec2 v_uv;
in vec2 v_local;
in vec4 v_color;
in float v_size;
flat in int v_state;
uniform sampler2D u_atlas;
uniform vec2 u_border;    // border: CSS px, and most as a fraction of the tile
uniform float u_hover;
uniform float u_depth;    // 1: depth-tested (3-D): hard edges, dimmed points stay opaque
uniform float u_dot;      // tiles narrower than this (CSS px) are plain squares
uniform float u_dotLod;   // mip level where a tile is one texel
out vec4 o;
void main() {
  bool looping = (v_state & 2) != 0;
  bool selected = (v_state & 4) != 0;
  bool boxed = (v_state & 8) != 0;
  // a predicted label (page/predictions.js): colour alpha 128, drawn hatched
  bool predicted = v_color.a > 0.0 && v_color.a < 0.99;
  vec3 c;
  float alpha = 1.0;
  if (v_size < u_dot && u_hover < 0.5) {
    // a few pixels: a plain square of the point's colour (its group, else its tile's mean)
    c = v_color.a > 0.0 ? v_color.rgb : textureLod(u_atlas, v_uv, u_dotLod).rgb;
    if (looping) c = vec3(1.0, 0.85, 0.3);
    if (selected || boxed) c = vec3(1.0);
    else if (predicted && mod(floor(gl_FragCoord.x) + floor(gl_FragCoord.y), 4.0) < 2.0) c *= 0.4;
  } else {
    float radius = 0.14;
    vec2 q = abs(v_local) - (0.5 - radius);
    // signed distance to the rounded square's edge, in tile units (< 0 inside)
    float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - radius;
    float aa = max(fwidth(d), 1e-4);
    alpha = 1.0 - smoothstep(-aa, aa, d);
    if (alpha <= (u_depth > 0.5 ? 0.5 : 0.0)) discard;   // depth-tested: no fringe in front of others
    if (u_depth > 0.5) alpha = 1.0;
    c = texture(u_atlas, v_uv).rgb;
    float edge = -d;                                    // distance in from the edge
    float bw = min(u_border.y, u_border.x / max(v_size, 1.0)) * ((looping || selected || boxed || u_hover > 0.5) ? 2.0 : predicted ? 1.7 : 1.0);
    if (edge < bw) {
      vec3 bc = v_color.a > 0.0 ? v_color.rgb : vec3(0.55, 0.6, 0.68);
      if (u_hover > 0.5 || selected) bc = vec3(1.0);
      else if (looping) bc = vec3(1.0, 0.85, 0.3);
      else if (boxed) bc = vec3(0.92, 0.96, 1.0);
      else if (predicted && fract((v_local.x + v_local.y) * 7.0) < 0.5) bc = vec3(0.07, 0.08, 0.1);
      c = bc;
    }
  }
  if ((v_state & 1) != 0) {
    c *= 0.35;
    if (u_depth < 0.5) alpha *= 0.35;
  }
  if ((v_state & 16) != 0) { // hidden class: fades almost out
    c *= 0.45;
    if (u_depth < 0.5) alpha *= 0.4;
  }
  o = vec4(c * alpha, alpha);
}
