import { z } from 'zod';

/** Text a person reads: Chinese first, English alongside (R14). */
export const BilingualSchema = z.object({
  zh: z.string().min(1).max(500),
  en: z.string().min(1).max(500),
});
export type Bilingual = z.infer<typeof BilingualSchema>;
