// A minimal WebM (Matroska) writer for the media test: one VP8 video track, a cluster per key
// frame, and the index of the clusters (Cues) before them, so that a player can seek at once
// with a range request. Every size and number is written on 8 bytes, which keeps the layout
// computable in one pass (the format allows it).
//
// webm({ width, height, duration (ms), chunks: [{ key, time (ms), data (base64) }] }) → Buffer

const id = (hex) => Buffer.from(hex, 'hex');
const size = (n) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  out[0] = 0x01; // an 8-byte EBML size
  return out;
};
const element = (hex, ...data) => {
  const body = Buffer.concat(data);
  return Buffer.concat([id(hex), size(body.length), body]);
};
const uint = (hex, n) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return element(hex, out);
};
const float = (hex, n) => {
  const out = Buffer.alloc(8);
  out.writeDoubleBE(n);
  return element(hex, out);
};
const text = (hex, s) => element(hex, Buffer.from(s, 'utf8'));

function simpleBlock(chunk, clusterTime) {
  const head = Buffer.alloc(4);
  head[0] = 0x81; // track 1
  head.writeInt16BE(Math.round(chunk.time - clusterTime), 1);
  head[3] = chunk.key ? 0x80 : 0x00;
  return element('A3', head, Buffer.from(chunk.data, 'base64'));
}

export function webm({ width, height, duration, chunks }) {
  const header = element('1A45DFA3',
    uint('4286', 1), uint('42F7', 1), uint('42F2', 4), uint('42F3', 8),
    text('4282', 'webm'), uint('4287', 2), uint('4285', 2));
  const info = element('1549A966',
    uint('2AD7B1', 1000000), float('4489', duration),
    text('4D80', 'renkei tests'), text('5741', 'renkei tests'));
  const tracks = element('1654AE6B', element('AE',
    uint('D7', 1), uint('73C5', 1), uint('83', 1), text('86', 'V_VP8'), uint('9C', 0),
    element('E0', uint('B0', width), uint('BA', height))));

  // A cluster per key frame.
  const groups = [];
  for (const chunk of chunks) {
    if (chunk.key || groups.length === 0) groups.push({ time: Math.round(chunk.time), chunks: [] });
    groups.at(-1).chunks.push(chunk);
  }
  const clusters = groups.map((group) => element('1F43B675',
    uint('E7', group.time), ...group.chunks.map((chunk) => simpleBlock(chunk, group.time))));

  const cues = (positions) => element('1C53BB6B', ...groups.map((group, i) => element('BB',
    uint('B3', group.time), element('B7', uint('F7', 1), uint('F1', positions[i])))));
  // Positions are counted from the start of the Segment's data; the Cues' own size does not
  // depend on them.
  const first = info.length + tracks.length + cues(groups.map(() => 0)).length;
  const positions = [];
  let at = first;
  for (const cluster of clusters) {
    positions.push(at);
    at += cluster.length;
  }
  const segment = element('18538067', info, tracks, cues(positions), ...clusters);
  return Buffer.concat([header, segment]);
}
