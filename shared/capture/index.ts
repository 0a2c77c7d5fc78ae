/**
 * Document capture at the counter (issue 8): page detection, perspective flattening, ID card
 * sheets and PDF export, on plain RGBA buffers so the same code runs in the screens and in Node.
 * JPEG encoding stays outside (the screens use canvas.toBlob; Node tests use jpeg-js).
 */
export * from './image';
export * from './geometry';
export * from './detectPage';
export * from './warp';
export * from './crop';
export * from './idCardSheet';
export * from './pdf';
