import { Injectable } from '@nestjs/common';
import { Cache, CacheKeys } from '@agent-squad/cache';
import { AppConfig } from '@agent-squad/config';
import {
  AppError,
  SquadsApi,
  type CreateMemberInput,
  type CreateSquadInput,
  type ListQuery,
  type Member,
  type Owned,
  type Page,
  type Squad,
  type UpdateMemberInput,
  type UpdateSquadInput,
} from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import { CachedWrites } from '../shared/cached-writes';
import { idCursor } from '../shared/cursor';
import { toMember, toSquad } from '../shared/mappers';
import { toPage } from '../shared/pagination';
import { isUniqueViolation } from '@agent-squad/database';
import { memberData } from './member-defaults';

const withMembers = { members: { orderBy: { position: 'asc' } } } as const;

/** A squad as cached: by id alone, with its owner, so every owner check is made on the cached copy. */
interface CachedSquad {
  ownerId: string;
  squad: Squad;
}

/** Squads and their members. A squad with members is read through the cache; every change to it invalidates it everywhere. */
@Injectable()
export class SquadsService implements SquadsApi {
  constructor(
    private readonly db: CoreDb,
    private readonly config: AppConfig,
    private readonly cache: Cache,
    private readonly writes: CachedWrites,
  ) {}

  async create({ ownerId, input }: Owned & { input: CreateSquadInput }): Promise<Squad> {
    const squad = await this.db.squad.create({
      data: {
        ownerId,
        name: input.name,
        description: input.description ?? null,
        members: { create: input.members.map((member, position) => memberData(member, position, this.config.env.DEFAULT_MODEL)) },
      },
      include: withMembers,
    });
    return toSquad(squad);
  }

  async list({ ownerId, limit, cursor }: Owned & ListQuery): Promise<Page<Squad>> {
    const after = idCursor(cursor);
    const rows = await this.db.squad.findMany({
      where: { ownerId, ...(after ? { id: { lt: after } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: withMembers,
    });
    return toPage(rows, limit, (row) => row.id, toSquad);
  }

  async get({ ownerId, squadId }: Owned & { squadId: string }): Promise<Squad> {
    const cached = await this.cache.getOrLoad(CacheKeys.squad(squadId), () => this.load(squadId));
    // Another owner's squad answers exactly as a missing one.
    if (cached.ownerId !== ownerId) throw AppError.notFound('Squad');
    return cached.squad;
  }

  async update({ ownerId, squadId, patch }: Owned & { squadId: string; patch: UpdateSquadInput }): Promise<Squad> {
    await this.writes.commit([CacheKeys.squad(squadId)], async (tx) => {
      const { count } = await tx.squad.updateMany({ where: { id: squadId, ownerId }, data: patch });
      if (count === 0) throw AppError.notFound('Squad');
    });
    return this.get({ ownerId, squadId });
  }

  async remove({ ownerId, squadId }: Owned & { squadId: string }): Promise<null> {
    await this.writes.commit([CacheKeys.squad(squadId)], async (tx) => {
      const { count } = await tx.squad.deleteMany({ where: { id: squadId, ownerId } });
      if (count === 0) throw AppError.notFound('Squad');
    });
    return null;
  }

  async addMember({ ownerId, squadId, input }: Owned & { squadId: string; input: CreateMemberInput }): Promise<Member> {
    // Positions are unique per squad: a concurrent add that takes the same position retries.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writes.commit([CacheKeys.squad(squadId)], async (tx) => {
          const squad = await tx.squad.findFirst({ where: { id: squadId, ownerId }, select: { id: true } });
          if (!squad) throw AppError.notFound('Squad');
          const last = await tx.member.findFirst({ where: { squadId }, orderBy: { position: 'desc' }, select: { position: true } });
          const member = await tx.member.create({ data: { squadId, ...memberData(input, (last?.position ?? -1) + 1, this.config.env.DEFAULT_MODEL) } });
          await tx.squad.update({ where: { id: squadId }, data: { updatedAt: new Date() } });
          return toMember(member);
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  async updateMember({ ownerId, squadId, memberId, patch }: Owned & { squadId: string; memberId: string; patch: UpdateMemberInput }): Promise<Member> {
    return this.writes.commit([CacheKeys.squad(squadId)], async (tx) => {
      const { count } = await tx.member.updateMany({ where: { id: memberId, squadId, squad: { ownerId } }, data: patch });
      if (count === 0) throw AppError.notFound('Member');
      await tx.squad.update({ where: { id: squadId }, data: { updatedAt: new Date() } });
      return toMember(await tx.member.findUniqueOrThrow({ where: { id: memberId } }));
    });
  }

  async removeMember({ ownerId, squadId, memberId }: Owned & { squadId: string; memberId: string }): Promise<null> {
    return this.writes.commit([CacheKeys.squad(squadId)], async (tx) => {
      const { count } = await tx.member.deleteMany({ where: { id: memberId, squadId, squad: { ownerId } } });
      if (count === 0) throw AppError.notFound('Member');
      await tx.squad.update({ where: { id: squadId }, data: { updatedAt: new Date() } });
      return null;
    });
  }

  /** By id alone (the owner is checked on the cached copy); a missing squad is not cached. */
  private async load(squadId: string): Promise<CachedSquad> {
    const row = await this.db.squad.findUnique({ where: { id: squadId }, include: withMembers });
    if (!row) throw AppError.notFound('Squad');
    return { ownerId: row.ownerId, squad: toSquad(row) };
  }
}
