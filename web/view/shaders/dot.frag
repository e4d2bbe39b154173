#version 300 es
// dot.frag — a far-out point: a square of its colour (or its tile's mean)
precision mediump float;
in vec4 v_color;
in vec2 v_uv;
flat in int v_state;
uniform sampler2D u_atlas;
uniform float u_dotLod;
out vec4 o;
void main() {
  vec3 c = v_color.a > 0.0 ? v_color.rgb : textureLod(u_atlas, v_uv, u_dotLod).rgb;
  if ((v_state & 2) != 0) c = vec3(1.0, 0.85, 0.3);
  if ((v_state & 12) != 0) c = vec3(1.0);
  // a predicted label (page/predictions.js): colour alpha 128, drawn hatched
  else if (v_color.a > 0.0 && v_color.a < 0.99 && mod(floor(gl_FragCoord.x) + floor(gl_FragCoord.y), 4.0) < 2.0) c *= 0.4;
  float a = 1.0;
  if ((v_state & 1) != 0) { c *= 0.35; a = 0.35; }
  if ((v_state & 16) != 0) { c *= 0.4; a *= 0.4; }
  o = vec4(c * a, a);
}
