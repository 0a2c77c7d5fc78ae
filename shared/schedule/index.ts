/** Schedule engine (hall rule R5): opening periods, holidays, 调休, cut-off and daily quotas. */
export * from './zone';
export * from './config';
export * from './availability';
