import type { AppRouter } from '@peasswap/api/router';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

export type Session = NonNullable<Outputs['session']['me']>;
export type Customer = Outputs['customers']['retrieve'];
export type Payment = Outputs['customers']['payments']['data'][number];
export type CustomerAnalytics = Outputs['customers']['analytics'];
export type ApiKey = Outputs['apiKeys']['list']['data'][number];
export type CreatedApiKey = Outputs['apiKeys']['create'];
export type User = Outputs['users']['list']['data'][number];
export type UserRole = User['role'];
export type InvitedUser = Outputs['users']['invite'];
export type Subscription = Outputs['subscriptions']['retrieve'];
export type SubscriptionStatus = Subscription['status'];
export type PaymentSchedule = Outputs['paymentSchedules']['retrieve'];
export type PaymentMethod = Outputs['paymentMethods']['retrieve'];
export type WebhookEndpoint = Outputs['webhookEndpoints']['retrieve'];
export type CreatedWebhookEndpoint = Outputs['webhookEndpoints']['create'];
export type WebhookDelivery = Outputs['webhookEndpoints']['deliveries']['data'][number];
export type Event = Outputs['events']['retrieve'];
export type DuplicateGroup = Outputs['duplicates']['list']['data'][number];
export type DuplicateCandidate = Outputs['duplicates']['ofCustomer']['data'][number];
export type ImportReport = Outputs['customers']['import'];
