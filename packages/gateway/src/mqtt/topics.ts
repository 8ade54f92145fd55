import { topicId } from '@smi/model';

/** The gateway's own topics under the base topic (platform-conventions §4). */
export class Topics {
  constructor(readonly base: string) {}
  get gatewayAvailability(): string {
    return `${this.base}/gateway/availability`;
  }
  get gatewayStats(): string {
    return `${this.base}/gateway/stats`;
  }
  meterAvailability(meterId: string): string {
    return `${this.base}/${topicId(meterId)}/availability`;
  }
}
