/**
 * The demo hall of web mode and the end-to-end tests: a district hall's services in their
 * categories with service guides, comprehensive windows (R4), a love window (R7), staff with
 * their public card (R9) and PINs, a schedule that is open whenever the demo runs, one
 * appointment-only service (exit & entry, R5/R6), and two kiosks with offline series.
 */
import type { ServiceScheduleInput } from '../../shared/schedule/config';

const g = (zh: string, en: string) => ({ zh, en });

export interface DemoService {
  id: string;
  prefix: string;
  name: { zh: string; en: string };
  category: string;
  kind?: 'normal' | 'cant-get-done';
  realNameRequired?: boolean;
  perPersonDailyLimit?: number;
  defaultServiceMinutes?: number;
  schedule?: ServiceScheduleInput;
  guide?: { materials: Array<{ zh: string; en: string }>; timeLimit?: { zh: string; en: string }; fee?: { zh: string; en: string }; place?: { zh: string; en: string }; url?: string };
}

export const DEMO_SERVICES: DemoService[] = [
  {
    id: 'hukou',
    prefix: 'A',
    name: g('户籍办理', 'Household registration'),
    category: 'police',
    defaultServiceMinutes: 6,
    guide: {
      materials: [g('居民身份证', 'Resident ID card'), g('户口簿', 'Household register'), g('迁入地证明材料', 'Proof of the new address')],
      timeLimit: g('即办', 'Same day'),
      fee: g('不收费', 'Free'),
      url: 'https://zwfw.example.gov.cn/guide/hukou',
    },
  },
  {
    id: 'entry',
    prefix: 'P',
    name: g('出入境证件', 'Exit & entry documents'),
    category: 'police',
    schedule: { appointmentOnly: true },
    guide: {
      materials: [g('居民身份证', 'Resident ID card'), g('预约凭证', 'Appointment confirmation')],
      timeLimit: g('7 个工作日', '7 working days'),
      fee: g('普通护照 120 元', 'Passport: 120 yuan'),
      place: g('一楼', 'Ground floor'),
      url: 'https://zwfw.example.gov.cn/guide/entry',
    },
  },
  {
    id: 'social',
    prefix: 'B',
    name: g('社保医保', 'Social insurance'),
    category: 'social',
    defaultServiceMinutes: 7,
    guide: {
      materials: [g('居民身份证', 'Resident ID card'), g('社会保障卡', 'Social security card')],
      timeLimit: g('即办', 'Same day'),
      fee: g('不收费', 'Free'),
      place: g('一楼', 'Ground floor'),
    },
  },
  {
    id: 'pension',
    prefix: 'E',
    name: g('养老保险', 'Pension insurance'),
    category: 'social',
    guide: { materials: [g('居民身份证', 'Resident ID card')], timeLimit: g('5 个工作日', '5 working days'), fee: g('不收费', 'Free'), place: g('一楼', 'Ground floor') },
  },
  {
    id: 'estate',
    prefix: 'C',
    name: g('不动产登记', 'Real estate registration'),
    category: 'land',
    realNameRequired: true,
    perPersonDailyLimit: 1,
    defaultServiceMinutes: 15,
    guide: {
      materials: [g('居民身份证', 'Resident ID card'), g('不动产权证书', 'Property certificate'), g('买卖合同', 'Sales contract'), g('完税证明', 'Tax payment certificate')],
      timeLimit: g('5 个工作日', '5 working days'),
      fee: g('住宅 80 元/件', 'Housing: 80 yuan per case'),
      place: g('二楼', 'First floor'),
      url: 'https://zwfw.example.gov.cn/guide/estate',
    },
  },
  {
    id: 'business',
    prefix: 'F',
    name: g('企业开办', 'Starting a business'),
    category: 'market',
    defaultServiceMinutes: 12,
    guide: {
      materials: [g('法定代表人身份证', "Legal representative's ID card"), g('公司章程', 'Articles of association'), g('住所证明', 'Proof of business address')],
      timeLimit: g('1 个工作日', '1 working day'),
      fee: g('不收费', 'Free'),
      place: g('二楼', 'First floor'),
    },
  },
  {
    id: 'tax',
    prefix: 'G',
    name: g('税务办理', 'Tax services'),
    category: 'market',
    guide: { materials: [g('居民身份证', 'Resident ID card'), g('营业执照', 'Business licence')], timeLimit: g('即办', 'Same day'), fee: g('不收费', 'Free'), place: g('二楼', 'First floor') },
  },
  {
    id: 'housing',
    prefix: 'H',
    name: g('住房公积金', 'Housing provident fund'),
    category: 'housing',
    guide: { materials: [g('居民身份证', 'Resident ID card'), g('银行卡', 'Bank card')], timeLimit: g('3 个工作日', '3 working days'), fee: g('不收费', 'Free'), place: g('一楼', 'Ground floor') },
  },
  {
    id: 'cantdo',
    prefix: 'D',
    name: g('办不成事反映', "Can't get it done"),
    category: 'help',
    kind: 'cant-get-done',
    guide: { materials: [], timeLimit: g('当场受理', 'Received on the spot'), fee: g('不收费', 'Free'), place: g('一楼', 'Ground floor') },
  },
];

/** Category names for the kiosk's tabs (the service's `category` is the key). */
export const DEMO_CATEGORIES: Record<string, { zh: string; en: string }> = {
  police: g('公安', 'Police'),
  social: g('人社', 'Human resources & social security'),
  land: g('自然资源', 'Natural resources'),
  market: g('市场监管与税务', 'Market regulation & tax'),
  housing: g('住房', 'Housing'),
  help: g('综合', 'General'),
};

export const DEMO_WINDOWS = [
  { id: 'w1', label: '1', name: g('综合受理一', 'General 1'), services: [{ serviceId: 'hukou' }, { serviceId: 'entry' }] },
  { id: 'w2', label: '2', name: g('综合受理二', 'General 2'), services: [{ serviceId: 'social' }, { serviceId: 'pension' }] },
  { id: 'w3', label: '3', name: g('爱心窗口', 'Priority window'), services: [{ serviceId: 'estate' }, { serviceId: 'hukou' }], priorityFirst: true },
  { id: 'w4', label: '4', name: g('企业服务', 'Business services'), services: [{ serviceId: 'business' }, { serviceId: 'tax' }] },
  { id: 'w5', label: '5', name: g('综合受理五', 'General 5'), services: [{ serviceId: 'housing' }, { serviceId: 'social' }], mode: 'ordered' as const },
  { id: 'w6', label: '6', name: g('办不成事反映', "Can't get it done"), services: [{ serviceId: 'cantdo' }, { serviceId: 'hukou' }] },
];

/** PIN 246810 for every demo clerk (web mode prints it); a real PIN is 6 digits or more. */
export const DEMO_PIN = '246810';

export const DEMO_STAFF = [
  { id: 's1', name: '王芳', post: '综合受理岗', duties: '户籍、出入境业务受理', commitment: '热情服务，一次告知，限时办结', en: { post: 'General intake', duties: 'Household registration, exit & entry applications', commitment: 'Warm service, everything you need told at once, done on time' } },
  { id: 's2', name: '李强', post: '综合受理岗', duties: '社保、养老保险业务受理', commitment: '文明用语，规范办理，群众满意', en: { post: 'General intake', duties: 'Social insurance and pension applications', commitment: 'Courteous, by the rules, to your satisfaction' } },
  { id: 's3', name: '张敏', post: '爱心窗口', duties: '不动产登记、老年人与特殊群体优先办理', commitment: '耐心细致，帮办代办', en: { post: 'Love window', duties: 'Real estate registration; seniors and special groups served first', commitment: 'Patient and careful; we help you through every step' } },
  { id: 's4', name: '陈磊', post: '企业服务岗', duties: '企业开办、税务办理', commitment: '当场办结，不让群众跑第二趟', en: { post: 'Business services', duties: 'Starting a business, tax', commitment: 'Done on the spot: no second trip' } },
  { id: 's5', name: '赵静', post: 'B 岗（AB 岗）', duties: '各窗口顶岗', commitment: '窗口不空岗', en: { post: 'B post (A/B cover)', duties: 'Covers any window', commitment: 'No window left unattended' } },
];

/** Open around the clock every day, so the demo and the tests work whenever they run. */
const ALL_DAY = [{ from: '00:00', to: '24:00', mode: 'open' as const }];
export const DEMO_SCHEDULE = {
  timeZone: 'Asia/Shanghai',
  weekly: { sun: ALL_DAY, mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY },
  cutoffMinutes: 0,
};

export const DEMO_POLICY = {
  hallName: g('朝阳区政务服务中心', 'Chaoyang District Government Service Center'),
  // Where citizens book the appointment-only services (shown when the kiosk refuses a walk-in).
  bookingPhone: '010-6509 2345',
  bookingWeb: 'https://zwfw.example.gov.cn/booking',
};

export interface DemoTerminal {
  id: string;
  role: 'kiosk' | 'counter' | 'evaluator' | 'display' | 'admin';
  windowId?: string;
  offlineSeries?: string;
}

export const DEMO_TERMINALS: DemoTerminal[] = [
  { id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' },
  { id: 'kiosk-2', role: 'kiosk', offlineSeries: 'L' },
  { id: 'counter-1', role: 'counter', windowId: 'w1' },
  { id: 'counter-2', role: 'counter', windowId: 'w2' },
  { id: 'counter-3', role: 'counter', windowId: 'w3' },
  { id: 'evaluator-1', role: 'evaluator', windowId: 'w1' },
  { id: 'evaluator-2', role: 'evaluator', windowId: 'w2' },
  { id: 'evaluator-3', role: 'evaluator', windowId: 'w3' },
  { id: 'display-1', role: 'display' },
  { id: 'admin-1', role: 'admin' },
];

export const DEMO_NOTICES = [
  {
    noticeId: 'n1',
    text: g('请保管好您的号票，过号请到导办台重新排队。12345 政务服务便民热线', 'Keep your ticket. If your number was called and missed, ask at the help desk. 12345 Government Service Hotline'),
  },
  { noticeId: 'n2', text: g('老年人、残疾人、现役军人、退役军人可到爱心窗口（3 号）优先办理', 'Seniors, people with disabilities, soldiers and veterans are served first at the priority window (3)') },
];
