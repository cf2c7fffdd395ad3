// The backend's REST resources (users, tickets, datasets) on top of BackendClient. Answers are
// checked against the expected shape so a backend change surfaces as a clear SERVICE_ERROR,
// not as a malformed tool result. No MCP types here.
import { z } from 'zod';
import type { BackendClient } from './backend.ts';
import { TicketsError } from './errors.ts';

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const STATUSES = ['open', 'in_progress', 'closed'] as const;

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  created_at: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const ticketSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(STATUSES),
  created_at: z.string(),
  updated_at: z.string(),
  assignee_id: z.string().nullable().optional(),
});

export const pageOf = <Item extends z.ZodType>(item: Item) => z.object({ total: z.number().int().min(0), items: z.array(item) });

export const dataRowSchema = z.record(z.string(), z.unknown());

function checked<Schema extends z.ZodType>(schema: Schema, body: unknown, path: string): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new TicketsError('SERVICE_ERROR', `The backend answered ${path} with an unexpected shape: ${parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(body)'} ${issue.message}`).join('; ')}`, { path });
  }
  return parsed.data;
}

const segment = (value: string) => encodeURIComponent(value);

export async function getUserProfile(backend: BackendClient, userId: string, includeDetails: boolean, signal: AbortSignal) {
  const path = `/users/${segment(userId)}`;
  const body = await backend.request({ method: 'GET', path, query: { include_details: includeDetails } }, signal).catch((error: unknown) => {
    if (error instanceof TicketsError && error.details.status === 404) throw new TicketsError('SERVICE_ERROR', `No user with id "${userId}"; find ids with list_users.`, error.details);
    throw error;
  });
  const user = checked(userSchema, body, path);
  return includeDetails ? user : { id: user.id, name: user.name, email: user.email, created_at: user.created_at };
}

export async function listUsers(backend: BackendClient, skip: number, limit: number, signal: AbortSignal) {
  return checked(pageOf(userSchema), await backend.request({ method: 'GET', path: '/users', query: { skip, limit } }, signal), '/users');
}

export async function createTicket(
  backend: BackendClient,
  ticket: { title: string; description: string; priority: (typeof PRIORITIES)[number]; assignee_id?: string | undefined },
  signal: AbortSignal,
) {
  return checked(ticketSchema, await backend.request({ method: 'POST', path: '/tickets', body: ticket }, signal), '/tickets');
}

export async function listTickets(backend: BackendClient, status: (typeof STATUSES)[number] | undefined, skip: number, limit: number, signal: AbortSignal) {
  return checked(pageOf(ticketSchema), await backend.request({ method: 'GET', path: '/tickets', query: { status, skip, limit } }, signal), '/tickets');
}

export async function queryData(backend: BackendClient, dataset: string, filters: Record<string, unknown>, limit: number, signal: AbortSignal) {
  const path = `/datasets/${segment(dataset)}/query`;
  const body = await backend.request({ method: 'POST', path, body: { filters, limit } }, signal).catch((error: unknown) => {
    if (error instanceof TicketsError && error.details.status === 404) throw new TicketsError('VALIDATION_ERROR', `There is no dataset "${dataset}".`, error.details);
    throw error;
  });
  const { data } = checked(z.object({ data: z.array(dataRowSchema) }), body, path);
  // The backend must honour the limit; never pass more rows on than were asked for.
  const rows = data.slice(0, limit);
  return { dataset, rows: rows.length, data: rows };
}
