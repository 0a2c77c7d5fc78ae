/**
 * Rectification steps as the admin authors them (R8, R18): each is checked against the item as
 * this terminal knows it (rectifyModel.checkStep) and only a step that passes becomes a
 * `rectification.recorded` event. A refused step stores nothing and says why in both languages.
 * Authoring is local: it works offline and syncs later.
 */
import type { Author, Saved } from '../editors/changes';
import { checkStep, type StepInput } from './rectifyModel';

export type { StepInput } from './rectifyModel';

export async function recordStep(local: Author, input: StepInput): Promise<Saved> {
  const checked = checkStep(local.state, input);
  if (!checked.ok) return checked;
  try {
    await local.author('rectification.recorded', checked.value);
    return { ok: true };
  } catch (e) {
    // The local log refuses what this terminal may not write, or a payload that does not parse.
    const err = e as { messageZh?: string; message?: string };
    return { ok: false, message: { zh: `未保存：${err.messageZh ?? err.message ?? String(e)}`, en: `Not saved: ${err.message ?? String(e)}` } };
  }
}

/** R18: fill in or correct the ledger fields; only what changed is recorded. */
export function saveLedger(local: Author, itemId: string, fields: { problem?: string; cause?: string; workOrder?: string; deadline?: string; note?: string }): Promise<Saved> {
  return recordStep(local, { itemId, action: 'ledger', ...fields });
}
