export * from './state';
export * from './apply';
export * from './fold';
export * from './canonical';
