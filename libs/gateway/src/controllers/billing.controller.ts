import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingApi, type UsageReport } from '@agent-squad/contracts';
import { LeanRead } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';

@ApiTags('billing')
@Controller('v1/billing')
export class BillingController {
  constructor(private readonly billing: BillingApi) {}

  @Get('usage')
  @LeanRead()
  @ApiOperation({ summary: "This month's metered usage against the plan's quota" })
  usage(@CurrentUser() userId: string): Promise<UsageReport> {
    return this.billing.usage({ userId });
  }
}
