/**
 * Every error body is `{error, message, messageZh}` (issue 15, finding 10): unknown routes too,
 * and refusals that were given no Chinese text of their own get one for their status.
 */
import { redactUrl } from './logging';

const ZH: Record<number, string> = {
  400: '请求内容不正确',
  401: '未通过身份验证，请重新注册终端',
  403: '无权进行此操作',
  404: '未找到',
  405: '不支持该操作',
  409: '与现有数据冲突',
  410: '已失效',
  413: '请求内容过大',
  415: '请求格式不正确',
  422: '请求内容不正确',
  429: '请求过于频繁，请稍后再试',
  503: '服务暂不可用，请稍后再试',
};

/** A Chinese message for a status (a refusal's own text is better; this is the fallback). */
export function zhFor(status: number): string {
  return ZH[status] ?? (status >= 500 ? '服务器错误，请重试' : '请求未能完成');
}

/** The body of a 404 for a route the server does not have (the path only: a query may hold secrets). */
export function notFoundBody(method: string, url: string) {
  const path = redactUrl(url.split('?')[0] ?? url);
  return { error: 'not-found', message: `no such address: ${method} ${path}`, messageZh: '没有该地址' };
}
