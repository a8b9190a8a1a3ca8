// A PDF of `pages` pages for the media test, each with its number in large type and an
// uncompressed 512×512 grey image of noise (256 KiB a page), so that the file is large enough
// (10 MiB for 40 pages) for a viewer to read it in ranges rather than whole.
//
// pdf(pages) → Buffer
export function pdf(pages) {
  const objects = []; // the bytes of object n at index n - 1
  const add = (body) => {
    objects.push(body);
    return objects.length;
  };
  const stream = (dictionary, bytes) => Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${bytes.length} >>\nstream\n`), bytes, Buffer.from('\nendstream'),
  ]);
  const font = add(Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'));
  const pagesId = pages * 3 + 3; // the page tree comes last: the font, three objects a page, the catalog
  const kids = [];
  for (let n = 1; n <= pages; n++) {
    const noise = Buffer.alloc(512 * 512);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + n * 104729) % 251;
    const image = add(stream('/Type /XObject /Subtype /Image /Width 512 /Height 512 /ColorSpace /DeviceGray /BitsPerComponent 8', noise));
    const content = add(stream('', Buffer.from(`q 400 0 0 400 100 300 cm /Im1 Do Q BT /F1 48 Tf 100 200 Td (Page ${n}) Tj ET`)));
    kids.push(add(Buffer.from(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Contents ${content} 0 R /Resources << /Font << /F1 ${font} 0 R >> /XObject << /Im1 ${image} 0 R >> >> >>`)));
  }
  const catalog = add(Buffer.from(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`));
  const tree = add(Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${pages} >>`));
  if (tree !== pagesId) throw new Error('page tree numbered wrongly');

  const parts = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets = [];
  objects.forEach((body, i) => {
    const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(offset);
    offset += bytes.length;
    parts.push(bytes);
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}
