import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createDocumentSchema,
  documentParamsSchema,
  DocumentsApi,
  idParamsSchema,
  listQuerySchema,
  searchSchema,
  type CreateDocumentInput,
  type DocumentSummary,
  type ListQuery,
  type Page,
  type SearchInput,
  type SearchResults,
} from '@agent-squad/contracts';
import { LeanRead, ZodBody, ZodParams, ZodQuery } from '@agent-squad/http';
import { CurrentUser, IdempotencyKey } from '../auth/request-decorators';

@ApiTags('documents')
@Controller('v1/squads')
export class DocumentsController {
  constructor(private readonly documents: DocumentsApi) {}

  @Post(':id/documents')
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeat a request safely: the same key within 24 h returns the first answer' })
  @ApiOperation({ summary: 'Add a text or markdown document; it is chunked and indexed in the background (status processing → ready | failed)' })
  add(
    @CurrentUser() ownerId: string,
    @ZodParams(idParamsSchema) { id }: { id: string },
    @ZodBody(createDocumentSchema) input: CreateDocumentInput,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<DocumentSummary> {
    return this.documents.add({ ownerId, squadId: id, input, idempotencyKey });
  }

  @Get(':id/documents')
  @LeanRead()
  @ApiOperation({ summary: "The squad's documents, newest first, with their indexing status and chunk count" })
  list(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodQuery(listQuerySchema) query: ListQuery): Promise<Page<DocumentSummary>> {
    return this.documents.list({ ownerId, squadId: id, ...query });
  }

  @Delete(':id/documents/:docId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a document: its chunks stop being retrieved at once' })
  async remove(@CurrentUser() ownerId: string, @ZodParams(documentParamsSchema) { id, docId }: { id: string; docId: string }): Promise<void> {
    await this.documents.remove({ ownerId, squadId: id, documentId: docId });
  }

  @Post(':id/search')
  @HttpCode(200)
  @ApiOperation({ summary: "Rank the squad's document chunks for a query (full-text, fused with vector similarity when embeddings are configured)" })
  search(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodBody(searchSchema) input: SearchInput): Promise<SearchResults> {
    return this.documents.search({ ownerId, squadId: id, input });
  }
}
