import { describe, expect, it } from 'vitest';
import {
  clearSegmentationCache,
  hasChineseWordSegmentation,
  NUMBER_TOKEN,
  normalizeText,
  segmentationCacheStats,
  segmentWords,
  setSegmentationCacheLimit,
  splitSentences,
  tokenizeSentences,
} from './normalize';

describe('normalizeText', () => {
  it('folds full-width letters and digits to half-width and lowercases', () => {
    expect(normalizeText('ＡＢＣ社工站')).toBe('abc社工站');
    expect(normalizeText('服务１２０人')).toBe(normalizeText('服务120人'));
  });

  it('turns Chinese and ASCII punctuation into single spaces', () => {
    expect(normalizeText('助餐、助洁，（精神慰藉）！')).toBe('助餐 助洁 精神慰藉');
    expect(normalizeText('助餐, 助洁; "精神慰藉"!')).toBe('助餐 助洁 精神慰藉');
    expect(normalizeText('“银龄课堂”——《手册》')).toBe('银龄课堂 手册');
  });

  it('replaces every number run, with decimals and percent, by one token', () => {
    expect(normalizeText('服务120人')).toBe(`服务 ${NUMBER_TOKEN} 人`);
    expect(normalizeText('服务120人')).toBe(normalizeText('服务300人'));
    expect(normalizeText('满意度95.5%以上，1,200户')).toBe(normalizeText('满意度90%以上，80户'));
  });

  it('keeps letters of other scripts', () => {
    expect(normalizeText('Café—ÉCOLE')).toBe('café école');
  });
});

describe('splitSentences', () => {
  it('cuts on Chinese and ASCII terminators and keeps offsets into the original', () => {
    const text = '第一句。第二句！Third one? 第四句；\n3.5 分不是句号';
    const spans = splitSentences(text);
    expect(spans.map((s) => s.text)).toEqual([
      '第一句。',
      '第二句！',
      'Third one?',
      '第四句；',
      '3.5 分不是句号',
    ]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('drops sentences without letters or digits', () => {
    expect(splitSentences('……。！\n——')).toEqual([]);
  });
});

describe('word segmentation', () => {
  it('has the ICU dictionary for Chinese (full ICU)', () => {
    expect(hasChineseWordSegmentation()).toBe(true);
    expect(segmentWords('社会工作服务中心')).toEqual(['社会', '工作', '服务', '中心']);
  });

  it('gives the same words chunk by chunk (cached) as one segmentation of the sentence', () => {
    const text = '通过入户走访和问卷调查，我们发现空巢老人普遍存在精神孤独、日常照料缺乏等问题。服务120人。';
    const expected = splitSentences(text).map((s) => segmentWords(normalizeText(s.text)));
    clearSegmentationCache();
    for (const limit of [200_000, 3, 0]) {
      setSegmentationCacheLimit(limit);
      for (let round = 0; round < 2; round++)
        expect(tokenizeSentences(text).map((t) => t.words)).toEqual(expected);
      expect(segmentationCacheStats().size).toBeLessThanOrEqual(limit);
    }
    setSegmentationCacheLimit(200_000);
  });
});
