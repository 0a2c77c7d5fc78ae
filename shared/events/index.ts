export * from './payloads';
export * from './envelope';
export * from './author';
