/**
 * Every NATS name the platform uses, under the namespace so several stacks or test runs can share
 * one server. RPC, live and durable subjects get separate prefixes so no live subject can collide
 * with an RPC or stream subject.
 */
export class NatsNames {
  readonly eventStream: string;
  readonly eventSubjects: string;
  private readonly livePrefix: string;

  constructor(readonly namespace: string) {
    this.eventStream = `${namespace}_events`;
    this.eventSubjects = `${namespace}.events.>`;
    this.livePrefix = `${namespace}.live.`;
  }

  rpc(service: string, method: string): string {
    return `${this.namespace}.rpc.${service}.${method}`;
  }

  /** One subscription per service; the method is the last token. */
  rpcService(service: string): string {
    return this.rpc(service, '*');
  }

  live(subject: string): string {
    return this.livePrefix + subject;
  }

  /** The subject a live subscriber sees: without the namespace. */
  liveSubject(natsSubject: string): string {
    return natsSubject.slice(this.livePrefix.length);
  }

  event(subject: string): string {
    return `${this.namespace}.events.${subject}`;
  }
}
