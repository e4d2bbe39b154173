/* colormap.h — the perceptual colour map used for spectrogram tiles (dark purple → orange → pale
 * yellow, after matplotlib's "magma"), sampled from a few key colours. */
#ifndef OUT_COLORMAP_H
#define OUT_COLORMAP_H

#include <stdint.h>

/* t in [0, 1] (clamped; NaN maps to 0) → RGB. */
void out_colormap(float t, uint8_t rgb[3]);

#endif
