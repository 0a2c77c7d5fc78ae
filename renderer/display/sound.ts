/**
 * The optional chime and voice for a call. R2: district halls call silently, so this is off
 * unless the board's address says `sound=1`. Each part is best effort: a browser without
 * WebAudio or speech (or one that blocks audio before a gesture) stays silent.
 */
import { speechText } from './board';

let audio: AudioContext | undefined;

/** Two short tones, like a doorbell, so heads turn to the board before the voice. */
function chime(): number {
  const Ctx = window.AudioContext;
  if (!Ctx) return 0;
  audio ??= new Ctx();
  const ctx = audio;
  void ctx.resume().catch(() => {});
  const start = ctx.currentTime + 0.02;
  [880, 660].forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = hz;
    const t = start + i * 0.45;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.35, t + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.6);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.65);
  });
  return 1_000;
}

function speak(number: string, windowLabel: string): void {
  const synth = window.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  const text = speechText(number, windowLabel);
  const zh = new SpeechSynthesisUtterance(text.zh);
  zh.lang = 'zh-CN';
  zh.rate = 0.9;
  const en = new SpeechSynthesisUtterance(text.en);
  en.lang = 'en-US';
  en.rate = 0.9;
  synth.speak(zh);
  synth.speak(en);
}

export function announceCall(number: string, windowLabel: string): void {
  let after = 0;
  try {
    after = chime();
  } catch {
    after = 0;
  }
  setTimeout(() => {
    try {
      speak(number, windowLabel);
    } catch {
      // no voice: the board still shows the call
    }
  }, after);
}
