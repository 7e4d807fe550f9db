import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createMemberSchema,
  createSquadSchema,
  idParamsSchema,
  listQuerySchema,
  memberParamsSchema,
  SquadsApi,
  updateMemberSchema,
  updateSquadSchema,
  type CreateMemberInput,
  type CreateSquadInput,
  type ListQuery,
  type Member,
  type Page,
  type Squad,
  type UpdateMemberInput,
  type UpdateSquadInput,
} from '@agent-squad/contracts';
import { LeanRead, ZodBody, ZodParams, ZodQuery } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';

@ApiTags('squads')
@Controller('v1/squads')
export class SquadsController {
  constructor(private readonly squads: SquadsApi) {}

  @Post()
  @ApiOperation({ summary: 'Form a squad; members work on tasks in the order given' })
  create(@CurrentUser() ownerId: string, @ZodBody(createSquadSchema) input: CreateSquadInput): Promise<Squad> {
    return this.squads.create({ ownerId, input });
  }

  @Get()
  @LeanRead()
  @ApiOperation({ summary: "The caller's squads, newest first" })
  list(@CurrentUser() ownerId: string, @ZodQuery(listQuerySchema) query: ListQuery): Promise<Page<Squad>> {
    return this.squads.list({ ownerId, ...query });
  }

  @Get(':id')
  @LeanRead()
  get(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<Squad> {
    return this.squads.get({ ownerId, squadId: id });
  }

  @Patch(':id')
  update(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodBody(updateSquadSchema) patch: UpdateSquadInput): Promise<Squad> {
    return this.squads.update({ ownerId, squadId: id, patch });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<void> {
    await this.squads.remove({ ownerId, squadId: id });
  }

  @Post(':id/members')
  @ApiOperation({ summary: 'Add a member at the end of the working order' })
  addMember(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodBody(createMemberSchema) input: CreateMemberInput): Promise<Member> {
    return this.squads.addMember({ ownerId, squadId: id, input });
  }

  @Patch(':id/members/:memberId')
  updateMember(
    @CurrentUser() ownerId: string,
    @ZodParams(memberParamsSchema) { id, memberId }: { id: string; memberId: string },
    @ZodBody(updateMemberSchema) patch: UpdateMemberInput,
  ): Promise<Member> {
    return this.squads.updateMember({ ownerId, squadId: id, memberId, patch });
  }

  @Delete(':id/members/:memberId')
  @HttpCode(204)
  async removeMember(@CurrentUser() ownerId: string, @ZodParams(memberParamsSchema) { id, memberId }: { id: string; memberId: string }): Promise<void> {
    await this.squads.removeMember({ ownerId, squadId: id, memberId });
  }
}
