// sound-controls.js — the Sound panel: the volume (the player's master gain) and how many loops
// may play at once (the oldest stops when one more starts). Both are kept in localStorage.
import { player, ui } from './context.js';
import { updateStates } from './selection.js';

const VOLUME_KEY = 'sonomap.volume';
const LOOPS_KEY = 'sonomap.maxLoops';

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked (private mode, file:)
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, String(value));
  } catch {
    /* not kept: the control still works for this visit */
  }
}

/** Sets the volume (0..1) and shows it on the slider. */
export function setVolume(v) {
  const vol = Math.max(0, Math.min(1, Number(v)));
  if (!Number.isFinite(vol)) return;
  player.setVolume(vol);
  const slider = document.getElementById('volume');
  if (slider && Number(slider.value) !== vol) slider.value = String(vol);
  slider?.setAttribute('aria-valuetext', `${Math.round(vol * 100)} %`);
  store(VOLUME_KEY, vol);
}

/** Sets the most loops at once (1..64); loops above it stop, oldest first. */
export function setMaxLoops(n) {
  const k = Math.max(1, Math.min(64, Math.floor(Number(n))));
  if (!Number.isFinite(k)) return;
  const stopped = player.setMaxLoops(k);
  const input = document.getElementById('max-loops');
  if (input && Number(input.value) !== k) input.value = String(k);
  store(LOOPS_KEY, k);
  if (stopped.length) {
    updateStates();
    ui.announce.textContent = `${stopped.length} loop${stopped.length === 1 ? '' : 's'} stopped`;
  }
}

export function wireSoundControls() {
  const slider = document.getElementById('volume');
  const loops = document.getElementById('max-loops');
  const v = stored(VOLUME_KEY);
  setVolume(v !== null && v !== '' ? Number(v) : player.volume);
  const k = stored(LOOPS_KEY);
  setMaxLoops(k !== null && k !== '' ? Number(k) : player.maxLoops);
  slider.addEventListener('input', () => setVolume(slider.value));
  loops.addEventListener('change', () => setMaxLoops(loops.value));
}
