/**
 * Markdown-aware chunking with overlap. Hand-written on purpose: the usual library
 * (@langchain/textsplitters) needs @langchain/core, a large framework, for what is ~80 lines here.
 *
 * A document is cut at its headings first (never inside a fenced code block), each section's text
 * is packed paragraph by paragraph into chunks of at most `maxChars`, and each chunk after the
 * first of a section repeats the end of the previous one (`overlapChars`), so a passage cut at a
 * boundary is still found whole. Every chunk starts with its heading path, which full-text search
 * then matches too.
 */
export interface ChunkOptions {
  maxChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 1200, overlapChars: 200 };

interface Section {
  path: string[];
  blocks: string[];
}

export function chunkMarkdown(title: string, text: string, options: ChunkOptions = DEFAULT_CHUNKING): string[] {
  const chunks: string[] = [];
  for (const section of sections(title, text)) {
    const heading = section.path.join(' > ');
    const room = Math.max(200, options.maxChars - heading.length - 2);
    for (const body of pack(section.blocks.flatMap((block) => split(block, room)), room, options.overlapChars)) chunks.push(`${heading}\n\n${body}`);
  }
  return chunks;
}

/** Sections by heading, each with its heading path and its paragraphs (code fences kept whole). */
function sections(title: string, text: string): Section[] {
  const result: Section[] = [{ path: [title], blocks: [] }];
  const path: { level: number; text: string }[] = [];
  let paragraph: string[] = [];
  let fenced = false;
  const flush = () => {
    const block = paragraph.join('\n').trim();
    if (block) result.at(-1)!.blocks.push(block);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      while (path.length > 0 && path.at(-1)!.level >= level) path.pop();
      path.push({ level, text: heading[2]! });
      result.push({ path: [title, ...path.map((entry) => entry.text)], blocks: [] });
    } else if (!fenced && line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return result.filter((section) => section.blocks.length > 0);
}

/** A block longer than `max` is cut at sentence ends, else at spaces, else anywhere. */
function split(block: string, max: number): string[] {
  if (block.length <= max) return [block];
  const pieces: string[] = [];
  let rest = block;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('. ') + 1, window.lastIndexOf('\n')) || window.lastIndexOf(' ');
    const at = cut > max / 2 ? cut : max;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function pack(blocks: string[], max: number, overlap: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (current && current.length + block.length + 2 > max) {
      chunks.push(current);
      const tail = tailOf(current, overlap);
      current = tail && tail.length + block.length + 2 <= max ? `${tail}\n\n${block}` : block;
    } else current = current ? `${current}\n\n${block}` : block;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The last `size` characters of a chunk, starting at a word. */
function tailOf(text: string, size: number): string {
  if (size <= 0) return '';
  const start = text.length - size;
  if (start <= 0) return text;
  const space = text.indexOf(' ', start);
  return space === -1 ? '' : `…${text.slice(space + 1)}`;
}
