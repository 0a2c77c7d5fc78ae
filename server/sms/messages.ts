/**
 * SMS texts, in Chinese (the audience of a mainland SMS). They carry the ticket number, the
 * window and the wait, nothing about the person (R21). Short enough for one 70-character SMS.
 */
export const DEFAULT_SIGNATURE = '政务服务中心';

/** Your turn is near: `ahead` people before you, about `minutes` minutes (undefined: no window is open, so no minutes are promised; issue 17). */
export function nearText(signature: string, number: string, ahead: number, minutes: number | undefined): string {
  if (ahead <= 0) return `【${signature}】您的${number}号即将叫号，请回到等候区留意叫号屏。`;
  if (minutes === undefined) return `【${signature}】您的${number}号前面还有${ahead}人，暂无窗口开放，请留意叫号屏。`;
  return `【${signature}】您的${number}号前面还有${ahead}人，预计约${Math.max(1, minutes)}分钟后叫号，请回到等候区留意叫号屏。`;
}

/** You are called: go to window `label`. */
export function calledText(signature: string, number: string, label: string): string {
  return `【${signature}】请${number}号到${label}号窗口办理业务。`;
}
