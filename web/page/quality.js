// quality.js — the map quality panel: trustworthiness, continuity and the 1-NN label accuracy
// of the layout shown, and the held-out accuracy of the predicted labels (predictions.js).
import { ui } from './context.js';
import { state } from './state.js';

export function showQuality(q) {
  state.quality = q;
  const pr = state.model?.prediction;
  const predicted = pr && Number.isFinite(pr.accuracy);
  const predicting = pr?.busy && pr.total > 0;
  if (!q && !predicted && !predicting) {
    ui.quality.hidden = true;
    return;
  }
  ui.quality.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = 'Map quality';
  const dl = document.createElement('dl');
  const row = (name, value, help) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    dt.title = help;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  };
  if (q) {
    row(
      'Trustworthiness',
      q.trustworthiness.toFixed(3),
      `Are a point's ${q.k} nearest neighbours on the map also near it in feature space? (1 is best)`,
    );
    row(
      'Continuity',
      q.continuity.toFixed(3),
      `Are a point's ${q.k} nearest neighbours in feature space also near it on the map? (1 is best)`,
    );
    if (Number.isFinite(q.labelAccuracy))
      row(
        '1-NN label accuracy',
        `${(100 * q.labelAccuracy).toFixed(1)} %`,
        'How often the nearest point on the map has the same label',
      );
  }
  if (predicting)
    row(
      'Predicting labels',
      `${Math.floor((100 * pr.done) / pr.total)} %`,
      'Each unlabelled sound gets the vote of its nearest labelled sounds (in a worker)',
    );
  else if (predicted)
    row(
      'Predicted-label accuracy',
      `${(100 * pr.accuracy).toFixed(1)} %`,
      `Leave-one-out: each of ${pr.tested} labelled sounds predicted from its ${pr.k} nearest other labelled sounds in the feature space`,
    );
  const note = document.createElement('p');
  note.className = 'quality-note';
  note.textContent = !q
    ? `predicted labels: ${pr.k ?? 10}-NN in the feature space`
    : `k = ${q.k}${q.queries && q.queries < (state.model?.items.length ?? 0) ? ` · ${q.queries.toLocaleString('en')} sampled points` : ''}`;
  ui.quality.append(h, dl, note);
  ui.quality.hidden = false;
}
