export * from './rank';
export * from './select';
export * from './noShow';
