/**
 * What the citizen reads when the paper ticket could not be printed, by the printer's named
 * fault (PrintResult.code, from the DLE EOT status: paper-out, cover-open, cutter-error,
 * offline, …). The citizen gets plain language and what to do (use the e-ticket on screen;
 * their place in the queue is kept); the named fault and the driver's technical message go to
 * the hall's log as device.fault through the printer's health report, for the admin.
 */
import type { Bilingual } from '../../shared/config/text';

const KEEP: Bilingual = { zh: '请使用屏幕上的电子号票，排队顺序不受影响。', en: 'Please use the e-ticket on the screen; your place in the queue is kept.' };

const join = (a: Bilingual): Bilingual => ({ zh: `${a.zh}${KEEP.zh}`, en: `${a.en} ${KEEP.en}` });

const BY_CODE: Record<string, Bilingual> = {
  'paper-out': join({ zh: '取号机的打印纸用完了，号票没有打印。', en: 'The ticket printer has run out of paper, so no paper ticket was printed.' }),
  'cover-open': join({ zh: '取号机的打印机盖没有关好，号票没有打印。', en: 'The ticket printer’s cover is open, so no paper ticket was printed.' }),
  'cutter-error': join({ zh: '取号机的打印机切纸出了故障，号票没有打印。', en: 'The ticket printer’s paper cutter is stuck, so no paper ticket was printed.' }),
  offline: join({ zh: '取号机的打印机暂时停机，号票没有打印。', en: 'The ticket printer is paused, so no paper ticket was printed.' }),
  'recoverable-error': join({ zh: '取号机的打印机暂时出了故障，号票没有打印。', en: 'The ticket printer has a temporary fault, so no paper ticket was printed.' }),
};

const GENERIC = join({ zh: '取号机的打印机暂时无法出票。', en: 'The ticket printer cannot print right now.' });

/** The citizen's message for a print that failed with `code`. */
export function citizenPrintMessage(code: string): Bilingual {
  return BY_CODE[code] ?? GENERIC;
}
