// A workspace's service-desk settings, with Iranian defaults: the week runs Saturday to
// Wednesday with Thursday a half day and Friday off, in Tehran time.
import { z } from 'zod';
import { keptBriefly } from '../core/kept-briefly.ts';
import type { Tx } from '../db/database.ts';

export const WEEKDAYS = ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const Intervals = z.array(z.tuple([Clock, Clock])).max(6);

export const DeskSettings = z.object({
  timezone: z.string().min(1).max(64).default('Asia/Tehran'),
  /** Opening hours per weekday, local time; a day with no interval is closed. */
  week: z
    .object({
      sat: Intervals,
      sun: Intervals,
      mon: Intervals,
      tue: Intervals,
      wed: Intervals,
      thu: Intervals,
      fri: Intervals,
    })
    .default({
      sat: [['08:00', '16:00']],
      sun: [['08:00', '16:00']],
      mon: [['08:00', '16:00']],
      tue: [['08:00', '16:00']],
      wed: [['08:00', '16:00']],
      thu: [['08:00', '12:00']],
      fri: [],
    }),
  /** The official solar-calendar holidays (Nowruz, 12 and 13 Farvardin, 14–15 Khordad, 22 Bahman, 29 Esfand). */
  officialHolidays: z.boolean().default(true),
  /**
   * More closed days as Jalali dates: `1404/01/14` for one year, `01/14` every year. The lunar
   * holidays (Tasua, Ashura, Eid al-Fitr…) move each year: the workspace lists them.
   */
  holidays: z
    .array(z.string().regex(/^(\d{4}\/)?\d{2}\/\d{2}$/, 'must be YYYY/MM/DD or MM/DD (Jalali)'))
    .max(400)
    .default([]),
  assignment: z.enum(['round_robin', 'capacity']).default('round_robin'),
  autoAssign: z.boolean().default(true),
  /** A customer's new message joins their open conversation even when it comes on another channel. */
  continueAcrossChannels: z.boolean().default(true),
  /** A message this soon after resolution reopens the conversation; later it starts a new one. */
  reopenWindowHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(48),
  repeatContactDays: z.number().int().min(1).max(90).default(7),
  survey: z
    .object({ enabled: z.boolean().default(false), kind: z.enum(['csat', 'nps', 'ces']).default('csat') })
    .default({ enabled: false, kind: 'csat' }),
  outOfHoursReply: z.string().max(2000).nullable().default(null),
});
export type DeskSettings = z.infer<typeof DeskSettings>;

// A change names only what it changes. Zod 4 fills a missing field's default even inside
// .partial(), which reset every setting a PATCH did not name (the week back to Saturday–Wednesday
// office hours when only the assignment mode changed): the patch takes the fields without defaults.
type WithoutDefault<T> = T extends z.ZodDefault<infer U> ? U : T;
const patchShape = Object.fromEntries(
  Object.entries(DeskSettings.shape).map(([key, field]) => [
    key,
    (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
  ]),
) as {
  [K in keyof typeof DeskSettings.shape]: z.ZodOptional<WithoutDefault<(typeof DeskSettings.shape)[K]>>;
};
export const DeskSettingsPatch = z.object(patchShape);
export type DeskSettingsPatch = z.infer<typeof DeskSettingsPatch>;

export async function readDeskSettings(tx: Tx, input: { workspaceId: string }): Promise<DeskSettings> {
  const [row] = await tx.query<{ settings: unknown }>(
    `SELECT settings FROM desk_settings WHERE workspace_id = $1`,
    [input.workspaceId],
    { prepare: true },
  );
  const settings = parseDeskSettings(row?.settings);
  recentSettings.set(input.workspaceId, settings);
  return settings;
}

// Every inbound message reads them (core/kept-briefly.ts).
const recentSettings = keptBriefly<DeskSettings>(5_000);

/** The settings for placing and routing a message: recently read, else read now. */
export async function currentDeskSettings(tx: Tx, input: { workspaceId: string }): Promise<DeskSettings> {
  return recentSettings.get(input.workspaceId) ?? readDeskSettings(tx, input);
}

/**
 * The transaction lock under which a customer's messages are placed one at a time, so two
 * cannot open two conversations (`Database.inWorkspace`'s `lock`, taken as the transaction opens).
 */
export const placementLock = (customerId: string) => `conversation:${customerId}`;

function parseDeskSettings(stored: unknown): DeskSettings {
  const parsed = DeskSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DeskSettings.parse({});
}

export async function updateDeskSettings(
  tx: Tx,
  input: { workspaceId: string; patch: DeskSettingsPatch },
): Promise<DeskSettings> {
  const current = await readDeskSettings(tx, input);
  const next = DeskSettings.parse({ ...current, ...input.patch });
  await tx.query(
    `INSERT INTO desk_settings (workspace_id, settings) VALUES ($1, $2)
     ON CONFLICT (workspace_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [input.workspaceId, JSON.stringify(next)],
  );
  return next;
}

/** Called once a change of the settings has committed. */
export function forgetDeskSettings(workspaceId: string): void {
  recentSettings.forget(workspaceId);
}
