import { chunkMarkdown } from './markdown-chunker';

describe('chunkMarkdown', () => {
  it('cuts at headings and prefixes each chunk with its heading path', () => {
    const chunks = chunkMarkdown('Guide', '# Install\n\nRun npm ci.\n\n## Offline\n\nNo network needed.\n\n# Use\n\nRun npm start.');
    expect(chunks).toEqual(['Guide > Install\n\nRun npm ci.', 'Guide > Install > Offline\n\nNo network needed.', 'Guide > Use\n\nRun npm start.']);
  });

  it('keeps fenced code whole, headings inside it included', () => {
    const chunks = chunkMarkdown('Doc', 'Intro.\n\n```sh\n# not a heading\n\necho hi\n```');
    expect(chunks).toEqual(['Doc\n\nIntro.\n\n```sh\n# not a heading\n\necho hi\n```']);
  });

  it('packs paragraphs up to the size and overlaps consecutive chunks', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index} ${'word '.repeat(30).trim()}.`);
    const chunks = chunkMarkdown('Long', paragraphs.join('\n\n'), { maxChars: 500, overlapChars: 80 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(500);
    // Each chunk after the first starts with the end of the previous one.
    for (let index = 1; index < chunks.length; index++) {
      const overlap = /^Long\n\n…(.+?)\n\n/s.exec(chunks[index]!)?.[1];
      expect(overlap).toBeDefined();
      expect(chunks[index - 1]!.endsWith(overlap!)).toBe(true);
    }
    // Nothing is lost.
    for (const paragraph of paragraphs) expect(chunks.some((chunk) => chunk.includes(paragraph))).toBe(true);
  });

  it('cuts an over-long paragraph at sentence ends', () => {
    const sentence = 'This sentence is about forty characters. ';
    const chunks = chunkMarkdown('T', sentence.repeat(40), { maxChars: 400, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.replace(/^T\n\n/, '')).toMatch(/characters\.$/);
  });
});
