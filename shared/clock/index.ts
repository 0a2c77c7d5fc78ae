export * from './hlc';
export * from './origin';
