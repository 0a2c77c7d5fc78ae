// Pages expose their running terminal as window.__hallq (renderer/app/env.ts).
import '../../renderer/app/env';
