// The browser display (/display) for smart TVs and kiosks: the picture, captions, titles and the
// standby screen; no controls, no cursor. ?hall=ID picks the hall (default: the event's first).
// Start the browser in kiosk mode for full screen; a click also asks for it.

import { applyI18n, initLang } from './i18n.js';
import { Stage } from './stage.js';

const params = new URLSearchParams(location.search);
initLang();
applyI18n();

const stageEl = document.getElementById('stage');
const stage = new Stage(stageEl, { hall: params.get('hall') || '', captionLines: 2 });
globalThis.hallcastStage = stage;

document.addEventListener('click', () => {
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
});

stage.start();
