/* resample.h — band-limited streaming sample-rate conversion (any rate 1..768000 Hz to any
 * integer rate, up or down; the engine uses it for source rate -> 16000 Hz).
 *
 * A Kaiser-windowed sinc evaluated as a polyphase filter. Let band = min(in, out) / 2: the
 * passband is 0..0.9 band, the stopband starts at band (the new Nyquist when downsampling, the
 * old one when upsampling, so images are removed), designed for 90 dB attenuation (beta 8.96).
 * Integer input rates give an exact rational ratio in/out = P/Q and, when the table is small
 * enough, one precomputed coefficient row per phase (Q rows); otherwise (odd ratios, fractional
 * rates) a finer table over the fractional input position with linear interpolation between
 * adjacent rows. in == out is an exact copy.
 *
 * Time alignment: the filter is symmetric and centred, so output sample k is the band-limited
 * input at t = k / out exactly (no group delay). Samples before t = 0 and after the end are
 * taken as zero. The total output length for n input samples is ceil(n * out / in), which is
 * what process + finish together produce.
 *
 * Streaming: plan once, then call dsp_resampler_process with caller-owned blocks of any size and
 * dsp_resampler_finish once at the end. Output is bit-identical whatever the block sizes.
 * Memory is the table plus a history of about one filter length; no allocation depends on the
 * amount of input. */
#ifndef DSP_RESAMPLE_H
#define DSP_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct dsp_resampler dsp_resampler;

/* in_rate: finite, 1..768000 Hz (fractional allowed); out_rate: 1..768000. NULL on a bad rate
 * (reason in err) or when out of memory. */
dsp_resampler *dsp_resampler_new(double in_rate, int out_rate, char *err, size_t errlen);
/* An upper bound on the frames one process call with n_in input frames, or one finish call
 * (n_in = 0), writes to out. */
size_t dsp_resampler_max_out(const dsp_resampler *r, size_t n_in);
/* Consume n_in samples, write the outputs that are now complete; returns their count. */
size_t dsp_resampler_process(dsp_resampler *r, const float *in, size_t n_in, float *out);
/* End of input: write the remaining outputs (the tail needs zeros past the end); returns their
 * count. Further process/finish calls after finish write nothing. */
size_t dsp_resampler_finish(dsp_resampler *r, float *out);
/* Total number of output samples for n input samples: ceil(n * out / in). */
uint64_t dsp_resampler_out_length(const dsp_resampler *r, uint64_t n_in);
/* Filter taps per output sample (0 for the identity copy); for reports and benchmarks. */
int dsp_resampler_taps(const dsp_resampler *r);
void dsp_resampler_free(dsp_resampler *r);

#endif
