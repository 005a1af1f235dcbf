import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireUser, ROLES } from '../api/auth.ts';
import { sendError } from '../api/error-handler.ts';
import type { Hub } from '../api/hub.ts';
import {
  createCannedResponse,
  createMacro,
  listCannedResponses,
  listMacros,
  renderCannedResponse,
  runMacro,
} from './canned.ts';
import {
  AgentSettingsBody,
  AgentSettingsReply,
  CannedBody,
  CannedReply,
  CustomStatusBody,
  DeskSettings,
  DeskSettingsPatch,
  MacroBody,
  MacroReply,
  RoutingRuleBody,
  RoutingRuleReply,
  SlaPolicyBody,
  SlaPolicyReply,
  TeamBody,
  TeamReply,
  UserParams,
} from './desk-admin.schema.ts';
import {
  createRoutingRule,
  createSlaPolicy,
  createTeam,
  getSettings,
  listCustomStatuses,
  listRoutingRules,
  listSlaPolicies,
  listTeams,
  patchSettings,
  putCustomStatus,
  setAgentSettings,
} from './desk-admin.service.ts';
import { ConversationReply, IdParams } from './inbox.schema.ts';
import type { ServiceDesk } from './service-desk.ts';
import { METRIC_GROUPS, serviceMetrics } from './service-metrics.ts';

const tags = ['service desk settings'];

export const deskAdminRoutes: FastifyPluginAsyncZod<{ hub: Hub; desk: ServiceDesk }> = async (
  app,
  { hub, desk },
) => {
  const managers = requireUser(hub.auth, ROLES.manageDesk);
  const workers = requireUser(hub.auth, ROLES.serviceDesk);
  const ws = (request: Parameters<typeof principalOf>[0]) => principalOf(request).workspaceId;

  app.post('/api/teams', {
    schema: {
      tags,
      summary: 'Create a team (of any department) with its members',
      body: TeamBody,
      response: { 200: TeamReply },
    },
    preHandler: managers,
    handler: async (request, reply) => {
      const result = await createTeam(hub.db, { workspaceId: ws(request), ...request.body });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/teams', {
    schema: {
      tags,
      summary: 'Teams and their members',
      response: { 200: z.object({ teams: z.array(TeamReply) }) },
    },
    preHandler: workers,
    handler: async (request) => ({ teams: await listTeams(hub.db, { workspaceId: ws(request) }) }),
  });
  app.put('/api/agents/:userId/settings', {
    schema: {
      tags,
      summary: "An agent's capacity, availability, languages and PBX extension",
      params: UserParams,
      body: AgentSettingsBody,
      response: { 200: AgentSettingsReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const principal = principalOf(request);
      // Agents may change their own availability; supervisors and admins anyone's settings.
      if (
        principal.userId !== request.params.userId &&
        !(ROLES.manageDesk as readonly string[]).includes(principal.role)
      )
        return sendError(reply, {
          type: 'PSK_FORBIDDEN_ROLE',
          status: 403,
          message: 'Only supervisors and admins change other agents',
        });
      const result = await setAgentSettings(hub.db, {
        workspaceId: principal.workspaceId,
        userId: request.params.userId,
        ...request.body,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/routing-rules', {
    schema: {
      tags,
      summary: 'Add a routing rule (first match wins, by position)',
      body: RoutingRuleBody,
      response: { 200: RoutingRuleReply },
    },
    preHandler: managers,
    handler: async (request) => createRoutingRule(hub.db, { workspaceId: ws(request), ...request.body }),
  });
  app.get('/api/routing-rules', {
    schema: {
      tags,
      summary: 'Routing rules in order',
      response: { 200: z.object({ rules: z.array(RoutingRuleReply) }) },
    },
    preHandler: managers,
    handler: async (request) => ({ rules: await listRoutingRules(hub.db, { workspaceId: ws(request) }) }),
  });
  app.post('/api/sla-policies', {
    schema: {
      tags,
      summary: 'Add an SLA policy (first match wins, by position)',
      body: SlaPolicyBody,
      response: { 200: SlaPolicyReply },
    },
    preHandler: managers,
    handler: async (request) => createSlaPolicy(hub.db, { workspaceId: ws(request), ...request.body }),
  });
  app.get('/api/sla-policies', {
    schema: {
      tags,
      summary: 'SLA policies in order',
      response: { 200: z.object({ policies: z.array(SlaPolicyReply) }) },
    },
    preHandler: managers,
    handler: async (request) => ({ policies: await listSlaPolicies(hub.db, { workspaceId: ws(request) }) }),
  });
  app.put('/api/conversation-statuses', {
    schema: {
      tags,
      summary: 'Add or change a custom conversation status',
      body: CustomStatusBody,
      response: { 200: CustomStatusBody },
    },
    preHandler: managers,
    handler: async (request) => putCustomStatus(hub.db, { workspaceId: ws(request), ...request.body }),
  });
  app.get('/api/conversation-statuses', {
    schema: {
      tags,
      summary: 'Custom conversation statuses',
      response: { 200: z.object({ statuses: z.array(CustomStatusBody) }) },
    },
    preHandler: workers,
    handler: async (request) => ({
      statuses: await listCustomStatuses(hub.db, { workspaceId: ws(request) }),
    }),
  });
  app.get('/api/desk/settings', {
    schema: {
      tags,
      summary: 'Business hours, holidays (Jalali), assignment mode, surveys',
      response: { 200: DeskSettings },
    },
    preHandler: workers,
    handler: async (request) => getSettings(hub.db, { workspaceId: ws(request) }),
  });
  app.patch('/api/desk/settings', {
    schema: {
      tags,
      summary: 'Change desk settings',
      body: DeskSettingsPatch,
      response: { 200: DeskSettings },
    },
    preHandler: managers,
    handler: async (request) => patchSettings(hub.db, { workspaceId: ws(request), patch: request.body }),
  });
  app.post('/api/canned-responses', {
    schema: {
      tags,
      summary: 'Add a canned response ({{customer.name}}, {{agent.name}}… variables)',
      body: CannedBody,
      response: { 200: CannedReply },
    },
    preHandler: workers,
    handler: async (request) => createCannedResponse(hub.db, { workspaceId: ws(request), ...request.body }),
  });
  app.get('/api/canned-responses', {
    schema: {
      tags,
      summary: 'Canned responses (q: short-code prefix)',
      querystring: z.object({ q: z.string().max(40).optional() }),
      response: { 200: z.object({ cannedResponses: z.array(CannedReply) }) },
    },
    preHandler: workers,
    handler: async (request) => ({
      cannedResponses: await listCannedResponses(hub.db, { workspaceId: ws(request), q: request.query.q }),
    }),
  });
  app.get('/api/canned-responses/:id/render', {
    schema: {
      tags,
      summary: 'A canned response with its variables filled for a conversation',
      params: IdParams,
      querystring: z.object({ conversationId: z.string().uuid() }),
      response: { 200: z.object({ body: z.string() }) },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const result = await renderCannedResponse(hub.db, {
        workspaceId: ws(request),
        cannedId: request.params.id,
        conversationId: request.query.conversationId,
        agentId: principalOf(request).userId,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.post('/api/macros', {
    schema: {
      tags,
      summary: 'Add a macro (reply, note, status, priority, labels, assign, team)',
      body: MacroBody,
      response: { 200: MacroReply },
    },
    preHandler: managers,
    handler: async (request) => createMacro(hub.db, { workspaceId: ws(request), ...request.body }),
  });
  app.get('/api/macros', {
    schema: { tags, summary: 'Macros', response: { 200: z.object({ macros: z.array(MacroReply) }) } },
    preHandler: workers,
    handler: async (request) => ({ macros: await listMacros(hub.db, { workspaceId: ws(request) }) }),
  });
  app.post('/api/conversations/:id/macros/:macroId', {
    schema: {
      tags,
      summary: 'Run a macro on a conversation (all its actions or none)',
      params: IdParams.extend({ macroId: z.string().uuid() }),
      response: { 200: ConversationReply },
    },
    preHandler: workers,
    handler: async (request, reply) => {
      const result = await runMacro(desk, {
        workspaceId: ws(request),
        macroId: request.params.macroId,
        conversationId: request.params.id,
        userId: principalOf(request).userId,
      });
      return result.isErr() ? sendError(reply, result.error) : result.value;
    },
  });
  app.get('/api/service-metrics', {
    schema: {
      tags: ['service desk'],
      summary:
        'First response and resolution times, reopen rate, CSAT/NPS/CES, SLA breaches, bot deflection and repeat contacts per agent, team, channel or day',
      querystring: z.object({
        from: z.coerce.date(),
        to: z.coerce.date(),
        groupBy: z.enum(METRIC_GROUPS).default('day'),
      }),
      response: {
        200: z.object({
          repeatContactDays: z.number(),
          rows: z.array(
            z.object({
              key: z.string().nullable(),
              jalaliDay: z.string().optional(),
              conversations: z.number(),
              resolved: z.number(),
              firstResponseSecondsAvg: z.number().nullable(),
              firstResponseSecondsMedian: z.number().nullable(),
              resolutionSecondsAvg: z.number().nullable(),
              reopenRate: z.number().nullable(),
              csat: z.number().nullable(),
              nps: z.number().nullable(),
              ces: z.number().nullable(),
              surveyAnswers: z.number(),
              slaBreachedConversations: z.number(),
              botDeflectionRate: z.number().nullable(),
              repeatContacts: z.number(),
              repeatContactRate: z.number().nullable(),
            }),
          ),
        }),
      },
    },
    preHandler: requireUser(hub.auth, ROLES.readCustomers),
    handler: async (request) => serviceMetrics(hub.db, { workspaceId: ws(request), ...request.query }),
  });
};
