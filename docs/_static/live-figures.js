/* Live figures (sphinxext/live_figures.py writes their HTML): the reader moves a control
   and the image, its close-up, the histogram and the numbers are computed again, here,
   from a lossless image the site serves. No dependency, no request to another host. */
"use strict";
(() => {
  const CLOSEUP = { x: 560, y: 300, width: 128, height: 96, scale: 3 };
  const loaded = new Map();

  /* The image's pixels as RGBA, exactly as stored (no colour management). */
  function pixelsOf(url) {
    if (!loaded.has(url)) {
      loaded.set(
        url,
        fetch(url)
          .then((response) => {
            if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
            return response.blob();
          })
          .then((blob) =>
            createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" }),
          )
          .then((bitmap) => {
            const canvas = document.createElement("canvas");
            canvas.width = bitmap.width;
            canvas.height = bitmap.height;
            const context = canvas.getContext("2d", { willReadFrequently: true });
            context.drawImage(bitmap, 0, 0);
            const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
            return { width: bitmap.width, height: bitmap.height, rgba: data };
          }),
      );
    }
    return loaded.get(url);
  }

  function greyOf({ width, height, rgba }) {
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];
    const histogram = new Float64Array(256);
    for (let i = 0; i < grey.length; i++) histogram[grey[i]]++;
    return { width, height, grey, histogram };
  }

  const log2 = Math.log2;
  const psnr = (mse) => 10 * Math.log10((255 * 255) / mse);
  function entropy(counts, total) {
    let bits = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] > 0) bits -= (counts[i] / total) * log2(counts[i] / total);
    }
    return bits;
  }
  const fixed = (n) => Math.ceil(log2(n));
  const round = (x, digits) => x.toFixed(digits);
  /* Rounded to the nearest integer, halves to even, as NumPy's rint. */
  function rint(x) {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 ? r - 1 : r;
  }

  /* ---- Scalar quantizers on a 256-bin histogram -------------------------------------
     Each returns the reconstruction level of every grey level (a 256-entry table) and
     the levels themselves, in increasing order. */

  function range(histogram) {
    let low = 0;
    let high = 255;
    while (histogram[low] === 0) low++;
    while (histogram[high] === 0) high--;
    return [low, high];
  }

  /* Bins between edges, each grey level in the bin searchsorted(..., side="right") puts
     it in, reconstructed at the bin's midpoint: KBinsDiscretizer's transform and
     inverse_transform. */
  function fromEdges(edges) {
    const levels = [];
    for (let j = 0; j + 1 < edges.length; j++) levels.push((edges[j] + edges[j + 1]) * 0.5);
    const table = new Float64Array(256);
    let bin = 0;
    for (let g = 0; g < 256; g++) {
      while (bin + 2 < edges.length && edges[bin + 1] <= g) bin++;
      table[g] = levels[bin];
    }
    return { table, levels };
  }

  function uniformEdges(histogram, n) {
    const [low, high] = range(histogram);
    const step = (high - low) / n;
    const edges = [];
    for (let i = 0; i < n; i++) edges.push(i * step + low);
    edges.push(high);
    return edges;
  }

  const uniform = (histogram, n) => fromEdges(uniformEdges(histogram, n));

  /* KBinsDiscretizer(strategy="kmeans"): Lloyd's k-means on every pixel (weighted
     histogram), started from the uniform bins' centres, with scikit-learn's stopping
     rule; edges halfway between the sorted centres, reconstruction at the edges'
     midpoints. */
  function kmeans(histogram, n) {
    const [low, high] = range(histogram);
    const start = uniformEdges(histogram, n);
    let centres = [];
    for (let j = 0; j < n; j++) centres.push((start[j] + start[j + 1]) * 0.5);
    let total = 0;
    let sum = 0;
    let squares = 0;
    for (let g = 0; g < 256; g++) {
      total += histogram[g];
      sum += g * histogram[g];
      squares += g * g * histogram[g];
    }
    const tolerance = (squares / total - (sum / total) ** 2) * 1e-4;
    const label = new Int32Array(256);
    const nearest = () => {
      for (let g = 0; g < 256; g++) {
        let best = 0;
        for (let j = 1; j < n; j++) {
          if (Math.abs(g - centres[j]) < Math.abs(g - centres[best])) best = j;
        }
        label[g] = best;
      }
    };
    nearest();
    for (let iteration = 0; iteration < 300; iteration++) {
      const weight = new Float64Array(n);
      const moment = new Float64Array(n);
      for (let g = 0; g < 256; g++) {
        weight[label[g]] += histogram[g];
        moment[label[g]] += g * histogram[g];
      }
      let shift = 0;
      const moved = centres.map((c, j) => (weight[j] > 0 ? moment[j] / weight[j] : c));
      moved.forEach((c, j) => (shift += (c - centres[j]) ** 2));
      centres = moved;
      const before = label.slice();
      nearest();
      if (before.every((l, g) => l === label[g]) || shift <= tolerance) break;
    }
    centres.sort((a, b) => a - b);
    const edges = [low];
    for (let j = 0; j + 1 < n; j++) edges.push((centres[j] + centres[j + 1]) * 0.5);
    edges.push(high);
    return fromEdges(edges);
  }

  /* The least-MSE quantizer with n levels at a fixed rate: the best partition of the
     grey levels into n contiguous cells, by dynamic programming, each cell reconstructed
     at its mean (Lloyd's and Max's conditions hold for it). */
  function optimal(histogram, n) {
    const used = [];
    for (let g = 0; g < 256; g++) if (histogram[g] > 0) used.push(g);
    const m = used.length;
    n = Math.min(n, m);
    const w = new Float64Array(m + 1);
    const s = new Float64Array(m + 1);
    const q = new Float64Array(m + 1);
    used.forEach((g, i) => {
      w[i + 1] = w[i] + histogram[g];
      s[i + 1] = s[i] + g * histogram[g];
      q[i + 1] = q[i] + g * g * histogram[g];
    });
    const cost = (i, j) => {
      const weight = w[j] - w[i];
      const moment = s[j] - s[i];
      return q[j] - q[i] - (moment * moment) / weight;
    };
    let previous = new Float64Array(m + 1).fill(Infinity);
    for (let j = 1; j <= m; j++) previous[j] = cost(0, j);
    const cuts = [];
    for (let k = 2; k <= n; k++) {
      const current = new Float64Array(m + 1).fill(Infinity);
      const cut = new Int32Array(m + 1);
      for (let j = k; j <= m; j++) {
        for (let i = k - 1; i < j; i++) {
          const d = previous[i] + cost(i, j);
          if (d < current[j]) {
            current[j] = d;
            cut[j] = i;
          }
        }
      }
      cuts.push(cut);
      previous = current;
    }
    const bounds = [m];
    for (let k = n - 2; k >= 0; k--) bounds.unshift(cuts[k][bounds[0]]);
    bounds.unshift(0);
    const levels = [];
    const table = new Float64Array(256);
    for (let c = 0; c + 1 < bounds.length; c++) {
      const [i, j] = [bounds[c], bounds[c + 1]];
      const level = (s[j] - s[i]) / (w[j] - w[i]);
      levels.push(level);
      const top = c + 2 < bounds.length ? used[j] : 256;
      for (let g = c === 0 ? 0 : used[i]; g < top; g++) table[g] = level;
    }
    return { table, levels };
  }

  function scores(histogram, table, total) {
    let squared = 0;
    const counts = new Map();
    for (let g = 0; g < 256; g++) {
      if (histogram[g] === 0) continue;
      squared += histogram[g] * (g - table[g]) ** 2;
      counts.set(table[g], (counts.get(table[g]) || 0) + histogram[g]);
    }
    const mse = squared / total;
    return { mse, psnr: psnr(mse), entropy: entropy(counts.values(), total) };
  }

  /* ---- Drawing ------------------------------------------------------------------------ */

  function colours(figure) {
    const style = getComputedStyle(figure);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      text: read("--pst-color-text-base", "#222"),
      muted: read("--pst-color-text-muted", "#666"),
      accent: read("--pst-color-primary", "#0a7d91"),
      background: read("--pst-color-background", "#fff"),
    };
  }

  /* Grey values to opaque RGBA pixels, four bytes at a time. */
  const GREY_RGBA = (() => {
    const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
    return Uint32Array.from({ length: 256 }, (_, v) =>
      little ? 0xff000000 | (v << 16) | (v << 8) | v : (v << 24) | (v << 16) | (v << 8) | 0xff,
    );
  })();
  const imageData = new WeakMap(); // each canvas's pixels, kept between updates

  function paintGrey(canvas, width, height, values) {
    if (canvas.width !== width) [canvas.width, canvas.height] = [width, height];
    const context = canvas.getContext("2d");
    if (imageData.get(canvas)?.width !== width) imageData.set(canvas, context.createImageData(width, height));
    const image = imageData.get(canvas);
    const out = new Uint32Array(image.data.buffer);
    for (let i = 0; i < values.length; i++) out[i] = GREY_RGBA[values[i]];
    context.putImageData(image, 0, 0);
  }
  function paintCloseup(canvas, source, at = CLOSEUP) {
    const { width, height, scale } = CLOSEUP;
    const { x, y } = at;
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.style.width = `${width * scale}px`;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(source, x, y, width, height, 0, 0, width * scale, height * scale);
  }

  /* The original histogram in muted bars, and the levels as lines (or bars of their own
     counts, ``counts``) in the accent colour. */
  function paintHistogram(canvas, figure, histogram, levels, counts) {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || 384;
    const cssHeight = Math.round(Math.min(cssWidth * 0.45, 240));
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    const palette = colours(figure);
    const [left, bottom, top] = [8, 22, 8];
    const plotWidth = cssWidth - 2 * left;
    const plotHeight = cssHeight - bottom - top;
    const tallest = Math.max(...histogram, ...(counts || [0]).map((c) => c / 4));
    const xOf = (g) => left + ((g + 0.5) / 256) * plotWidth;
    const yOf = (c) => top + plotHeight * (1 - Math.min(1, c / tallest));
    context.clearRect(0, 0, cssWidth, cssHeight);
    context.fillStyle = palette.muted;
    for (let g = 0; g < 256; g++) {
      if (histogram[g]) context.fillRect(xOf(g - 0.5), yOf(histogram[g]), plotWidth / 256, plotHeight - yOf(histogram[g]) + top);
    }
    context.strokeStyle = palette.accent;
    context.fillStyle = palette.accent;
    context.lineWidth = 1.5;
    levels.forEach((level, j) => {
      context.beginPath();
      context.moveTo(xOf(level), top + plotHeight);
      context.lineTo(xOf(level), counts ? yOf(counts[j] / 4) : top);
      context.stroke();
    });
    context.fillStyle = palette.text;
    context.font = "12px system-ui, sans-serif";
    context.textBaseline = "top";
    for (const g of [0, 64, 128, 192, 255]) {
      context.fillText(String(g), Math.min(xOf(g) - 6, cssWidth - 22), top + plotHeight + 6);
    }
  }

  function describeLevels(levels, digits) {
    return levels.map((level) => round(level, digits)).join(", ");
  }

  function numbers(container, items) {
    container.replaceChildren(
      ...items.map(([term, value]) => {
        const row = document.createElement("span");
        row.className = "live-number";
        const name = document.createElement("span");
        name.className = "live-term";
        name.textContent = `${term}: `;
        const data = document.createElement("span");
        data.className = "live-data";
        data.textContent = value;
        row.append(name, data);
        return row;
      }),
    );
  }

  /* ---- The figures --------------------------------------------------------------------- */

  const METHODS = { uniform, kmeans, optimal };
  const METHOD_NAMES = {
    uniform: "equally wide bins",
    kmeans: "k-means bins",
    optimal: "the optimal fixed-rate quantizer",
  };

  function levelsFigure(figure, parts, source) {
    const { width, height, grey, histogram } = greyOf(source);
    const values = new Uint8Array(grey.length);
    return (state) => {
      const n = Number(state.levels);
      const { table, levels } = METHODS[state.method](histogram, n);
      const shown = table.map((v) => Math.round(v));
      for (let i = 0; i < grey.length; i++) values[i] = shown[grey[i]];
      paintGrey(parts.image, width, height, values);
      paintCloseup(parts.closeup, parts.image);
      paintHistogram(parts.histogram, figure, histogram, levels);
      const score = scores(histogram, table, grey.length);
      const name = METHOD_NAMES[state.method];
      numbers(parts.numbers, [
        ["Levels", describeLevels(levels, 3)],
        ["MSE", round(score.mse, 2)],
        ["PSNR", `${round(score.psnr, 2)} dB`],
        ["Fixed-length code", `${fixed(levels.length)} bits per pixel`],
        ["Index entropy", `${round(score.entropy, 3)} bits per pixel`],
      ]);
      return {
        image: `The raccoon with ${levels.length} grey levels from ${name}: PSNR ${round(score.psnr, 2)} dB`,
        closeup: `Close-up of the quantized raccoon at 3 screen pixels per image pixel, ${levels.length} levels`,
        histogram: `Histogram of the original grey levels, with the ${levels.length} levels marked`,
      };
    };
  }

  const BAYER = (() => {
    let matrix = [[0]];
    while (matrix.length < 8) {
      const n = matrix.length;
      const next = Array.from({ length: 2 * n }, () => new Array(2 * n));
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const v = 4 * matrix[y][x];
          next[y][x] = v;
          next[y][x + n] = v + 2;
          next[y + n][x] = v + 3;
          next[y + n][x + n] = v + 1;
        }
      }
      matrix = next;
    }
    return matrix;
  })();

  /* The dithering page's three rules, so that the figure shows the page's numbers:
     without dithering and with ordered dithering, level index floor(x (n - 1) / 255 + t),
     t = 1/2 or the Bayer threshold (M + 1/2) / 64 of the pixel's place in the tile;
     Floyd-Steinberg as Pillow's, which the page uses: whole-number errors, each pixel's
     share of them divided by 16 and truncated, the sum clipped to 0..255, and the level
     that Pillow's palette lookup picks (data-pillow-edges, written by the build with
     Pillow: for each n, the first grey of each level but the lowest). */
  function ditherFigure(figure, parts, source) {
    const { width, height, grey, histogram } = greyOf(source);
    const values = new Uint8Array(grey.length);
    const pillowEdges = JSON.parse(figure.dataset.pillowEdges);
    const rows = [new Int32Array(width + 2), new Int32Array(width + 2)];
    return (state) => {
      const n = Number(state.levels);
      const levels = Array.from({ length: n }, (_, i) => rint((i * 255) / (n - 1)));
      // How many pixels take each grey, and the squared error, counted as the image is
      // made (one pass over the pixels, not two).
      const counts = new Int32Array(256);
      let squared = 0;
      if (state.dither === "none" || state.dither === "ordered") {
        // One 256-entry table per threshold (one table without dithering).
        const thresholds = state.dither === "none" ? [[32]] : BAYER.map((r) => r.map((m) => m + 0.5));
        const tables = thresholds.map((row) =>
          row.map((t) => Uint8Array.from({ length: 256 }, (_, g) => levels[Math.floor((g * (n - 1)) / 255 + t / 64)])),
        );
        const size = tables.length;
        for (let y = 0, i = 0; y < height; y++) {
          const row = tables[y % size];
          for (let x = 0; x < width; x++, i++) {
            const level = row[x % size][grey[i]];
            const d = grey[i] - level;
            values[i] = level;
            counts[level]++;
            squared += d * d;
          }
        }
      } else {
        // The level Pillow picks for each value, 0 to 255.
        const index = new Uint8Array(256);
        for (const edge of pillowEdges[n - 2]) for (let g = edge; g < 256; g++) index[g]++;
        const toLevel = index.map((k) => levels[k]);
        // Sixteenths of error: 7 to the right, 3, 5 and 1 to the row below; two rows
        // of pending errors, with a cell of margin on each side.
        rows[0].fill(0);
        for (let y = 0, i = 0; y < height; y++) {
          const [here, below] = [rows[y % 2], rows[(y + 1) % 2]];
          below.fill(0);
          let right = 0;
          for (let x = 0; x < width; x++, i++) {
            let v = grey[i] + (((right + here[x + 1]) / 16) | 0); // | 0 truncates, as C does
            v = v < 0 ? 0 : v > 255 ? 255 : v;
            const level = toLevel[v];
            const e = v - level;
            const d = grey[i] - level;
            values[i] = level;
            counts[level]++;
            squared += d * d;
            right = 7 * e;
            below[x] += 3 * e;
            below[x + 1] += 5 * e;
            below[x + 2] += e;
          }
        }
      }
      paintGrey(parts.image, width, height, values);
      paintCloseup(parts.closeup, parts.image);
      const uses = levels.map((level) => counts[level]);
      paintHistogram(parts.histogram, figure, histogram, levels, uses);
      const mse = squared / grey.length;
      const name = {
        none: "no dithering",
        ordered: "ordered dithering",
        fs: "Floyd–Steinberg dithering",
      }[state.dither];
      numbers(parts.numbers, [
        ["Levels", levels.join(", ")],
        ["MSE", round(mse, 2)],
        ["PSNR", `${round(psnr(mse), 2)} dB`],
        ["Fixed-length code", `${fixed(n)} bits per pixel`],
        ["Index entropy", `${round(entropy(uses, grey.length), 3)} bits per pixel`],
      ]);
      return {
        image: `The raccoon with ${n} evenly spaced grey levels and ${name}: PSNR ${round(psnr(mse), 2)} dB`,
        closeup: `Close-up at 3 screen pixels per image pixel, ${n} levels, ${name}`,
        histogram: `Histogram of the original grey levels, with how many pixels each of the ${n} levels takes`,
      };
    };
  }

  /* A small seeded generator, so that every reader gets the same sample and palette. */
  function random(seed) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function colourFigure(figure, parts, source) {
    const { width, height, rgba } = source;
    const count = width * height;
    const draw = random(0);
    const sample = new Float64Array(3 * 4096);
    for (let s = 0; s < 4096; s++) {
      const i = Math.floor(draw() * count);
      for (let c = 0; c < 3; c++) sample[3 * s + c] = rgba[4 * i + c];
    }
    const distance = (data, i, centres, j) =>
      (data[i] - centres[3 * j]) ** 2 + (data[i + 1] - centres[3 * j + 1]) ** 2 + (data[i + 2] - centres[3 * j + 2]) ** 2;
    const out = new ImageData(width, height);
    return (state) => {
      const n = Number(state.colours);
      // k-means++ seeding (Arthur & Vassilvitskii 2007), then Lloyd's iterations.
      const pick = random(n);
      const centres = new Float64Array(3 * n);
      const first = Math.floor(pick() * 4096);
      centres.set(sample.subarray(3 * first, 3 * first + 3), 0);
      const closest = new Float64Array(4096).fill(Infinity);
      for (let j = 1; j < n; j++) {
        let total = 0;
        for (let s = 0; s < 4096; s++) {
          closest[s] = Math.min(closest[s], distance(sample, 3 * s, centres, j - 1));
          total += closest[s];
        }
        let target = pick() * total;
        let s = 0;
        while (s < 4095 && (target -= closest[s]) > 0) s++;
        centres.set(sample.subarray(3 * s, 3 * s + 3), 3 * j);
      }
      const label = new Int32Array(4096);
      for (let iteration = 0; iteration < 50; iteration++) {
        let changed = false;
        for (let s = 0; s < 4096; s++) {
          let best = 0;
          let bestDistance = Infinity;
          for (let j = 0; j < n; j++) {
            const d = distance(sample, 3 * s, centres, j);
            if (d < bestDistance) [best, bestDistance] = [j, d];
          }
          if (label[s] !== best || iteration === 0) changed = true;
          label[s] = best;
        }
        if (!changed) break;
        const sums = new Float64Array(4 * n);
        for (let s = 0; s < 4096; s++) {
          for (let c = 0; c < 3; c++) sums[4 * label[s] + c] += sample[3 * s + c];
          sums[4 * label[s] + 3]++;
        }
        for (let j = 0; j < n; j++) {
          if (sums[4 * j + 3] > 0) for (let c = 0; c < 3; c++) centres[3 * j + c] = sums[4 * j + c] / sums[4 * j + 3];
        }
      }
      const palette = Array.from({ length: n }, (_, j) => [0, 1, 2].map((c) => Math.round(centres[3 * j + c])));
      const flat = new Float64Array(palette.flat());
      const uses = new Float64Array(n);
      let squared = 0;
      for (let i = 0; i < count; i++) {
        let best = 0;
        let bestDistance = Infinity;
        for (let j = 0; j < n; j++) {
          const d = distance(rgba, 4 * i, flat, j);
          if (d < bestDistance) [best, bestDistance] = [j, d];
        }
        uses[best]++;
        squared += bestDistance;
        for (let c = 0; c < 3; c++) out.data[4 * i + c] = palette[best][c];
        out.data[4 * i + 3] = 255;
      }
      [parts.image.width, parts.image.height] = [width, height];
      parts.image.getContext("2d").putImageData(out, 0, 0);
      paintCloseup(parts.closeup, parts.image, { x: CLOSEUP.x / 2, y: CLOSEUP.y / 2 });
      paintPalette(parts.histogram, palette, uses);
      const mse = squared / (3 * count);
      const hex = (rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
      numbers(parts.numbers, [
        ["Palette", palette.map(hex).join(" ")],
        ["MSE", round(mse, 2)],
        ["PSNR", `${round(psnr(mse), 2)} dB`],
        ["Fixed-length code", `${fixed(n)} bits per pixel`],
        ["Index entropy", `${round(entropy(uses, count), 3)} bits per pixel`],
      ]);
      return {
        image: `The raccoon in ${n} colours chosen by k-means: PSNR ${round(psnr(mse), 2)} dB`,
        closeup: `Close-up at 3 screen pixels per image pixel, ${n} colours`,
        histogram: `The palette of ${n} colours, each as wide as the share of pixels it takes: ${palette.map(hex).join(", ")}`,
      };
    };
  }

  function paintPalette(canvas, palette, uses) {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || 384;
    const cssHeight = 48;
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssHeight * ratio);
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    const total = uses.reduce((a, b) => a + b, 0);
    const order = palette.map((_, j) => j).sort((a, b) => uses[b] - uses[a]);
    let x = 0;
    for (const j of order) {
      const w = (uses[j] / total) * cssWidth;
      context.fillStyle = `rgb(${palette[j].join(",")})`;
      context.fillRect(x, 0, Math.max(w, 1), cssHeight);
      x += w;
    }
  }

  /* JPEG's luminance quantization table (ITU-T T.81, Table K.1), in row order. */
  const LUMINANCE = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14,
    17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49,
    64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
  ];
  /* The table libjpeg (the IJG's) writes at a quality from 1 to 100, baseline. */
  function tableAt(quality) {
    // In whole numbers, as libjpeg computes it (5000 / 30 is 166, not 166.67).
    const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - 2 * quality;
    return LUMINANCE.map((t) => Math.min(255, Math.max(1, Math.floor((t * scale + 50) / 100))));
  }
  const COSINES = (() => {
    const c = new Float64Array(64);
    for (let u = 0; u < 8; u++) {
      for (let x = 0; x < 8; x++) {
        c[8 * u + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
      }
    }
    return c;
  })();
  /* The 8-point orthonormal inverse DCT of x[at], x[at + stride], ..., plus shift, into
     out[to], out[to + step], ...: in even and odd halves (22 products instead of 64), as
     out[n] and out[7 - n] share the even frequencies' sum and differ in the odd ones' sign. */
  const [A, B, C6] = [COSINES[0], COSINES[16], COSINES[48]];
  const [D1, D3, D5, D7] = [COSINES[8], COSINES[24], COSINES[40], COSINES[56]];
  function inverseDct8(x, at, stride, out, to, step, shift) {
    const x0 = x[at];
    const x1 = x[at + stride];
    const x2 = x[at + 2 * stride];
    const x3 = x[at + 3 * stride];
    const x4 = x[at + 4 * stride];
    const x5 = x[at + 5 * stride];
    const x6 = x[at + 6 * stride];
    const x7 = x[at + 7 * stride];
    const e0 = A * (x0 + x4) + shift;
    const e1 = A * (x0 - x4) + shift;
    const t0 = B * x2 + C6 * x6;
    const t1 = C6 * x2 - B * x6;
    const o0 = D1 * x1 + D3 * x3 + D5 * x5 + D7 * x7;
    const o1 = D3 * x1 - D7 * x3 - D1 * x5 - D5 * x7;
    const o2 = D5 * x1 - D1 * x3 + D7 * x5 + D3 * x7;
    const o3 = D7 * x1 - D5 * x3 + D3 * x5 - D1 * x7;
    out[to] = e0 + t0 + o0;
    out[to + 7 * step] = e0 + t0 - o0;
    out[to + step] = e1 + t1 + o1;
    out[to + 6 * step] = e1 + t1 - o1;
    out[to + 2 * step] = e1 - t1 + o2;
    out[to + 5 * step] = e1 - t1 - o2;
    out[to + 3 * step] = e0 - t0 + o3;
    out[to + 4 * step] = e0 - t0 - o3;
  }

  /* On a crop of the grey image (data-crop) on the 8 x 8 grid from row 4 and column 4:
     the raccoon was stored as a JPEG on the grid from (0, 0), and a grid shifted by 4
     does not meet its old blocks. */
  function jpegFigure(figure, parts, source) {
    const full = greyOf(source);
    const crop = JSON.parse(figure.dataset.crop);
    const { width, height } = crop;
    const grey = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const from = (crop.y + y) * full.width + crop.x;
      grey.set(full.grey.subarray(from, from + width), y * width);
    }
    const across = width / 8;
    const blocks = across * (height / 8);
    const coefficients = new Float64Array(64 * blocks);
    const row = new Float64Array(64);
    // The orthonormal 2-D DCT of every 8 x 8 block, level-shifted by 128: rows, then columns.
    for (let b = 0; b < blocks; b++) {
      const [bx, by] = [8 * (b % across), 8 * Math.floor(b / across)];
      for (let y = 0; y < 8; y++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let x = 0; x < 8; x++) sum += COSINES[8 * u + x] * (grey[(by + y) * width + bx + x] - 128);
          row[8 * y + u] = sum;
        }
      }
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let y = 0; y < 8; y++) sum += COSINES[8 * v + y] * row[8 * y + u];
          coefficients[64 * b + 8 * v + u] = sum;
        }
      }
    }
    const values = new Uint8Array(grey.length);
    const dequantized = new Float64Array(64);
    const columns = new Float64Array(64);
    const block = new Float64Array(64);
    // How often each quantized value comes at each of the 64 positions (values within
    // +-1024: an orthonormal DCT coefficient of 8-bit pixels is within +-1024).
    const [SPAN, OFFSET] = [2049, 1024];
    const counts = new Int32Array(64 * SPAN);
    return (state) => {
      const table = tableAt(Number(state.quality));
      const steps = Float64Array.from(table);
      const inverse = steps.map((step) => 1 / step);
      counts.fill(0);
      let zeros = 0;
      let squared = 0;
      for (let b = 0; b < blocks; b++) {
        // Bit u of used: column u of frequencies has a nonzero coefficient; of moving: it
        // has one below its first row.
        let used = 0;
        let moving = 0;
        for (let k = 0; k < 64; k++) {
          // Rounded to the nearest step, halves away from zero, as libjpeg does.
          const c = coefficients[64 * b + k] * inverse[k];
          const q = c < 0 ? -((0.5 - c) | 0) : (c + 0.5) | 0; // | 0: floor of a positive
          counts[SPAN * k + q + OFFSET]++;
          dequantized[k] = q * steps[k];
          if (q === 0) zeros++;
          else {
            used |= 1 << (k & 7);
            if (k > 7) moving |= 1 << (k & 7);
          }
        }
        // The inverse DCT down each column of frequencies (none for an empty column, a
        // constant for one with only its first), then along each row, plus 128.
        for (let u = 0; u < 8; u++) {
          const bit = 1 << u;
          if (moving & bit) inverseDct8(dequantized, u, 8, columns, u, 8, 0);
          else for (let y = 0; y < 8; y++) columns[8 * y + u] = used & bit ? A * dequantized[u] : 0;
        }
        for (let y = 0; y < 8; y++) inverseDct8(columns, 8 * y, 1, block, 8 * y, 1, 128);
        const corner = 8 * Math.floor(b / across) * width + 8 * (b % across);
        for (let p = 0; p < 64; p++) {
          const at = corner + (p >> 3) * width + (p & 7);
          const v = Math.round(block[p]);
          const pixel = v < 0 ? 0 : v > 255 ? 255 : v;
          const error = grey[at] - pixel;
          values[at] = pixel;
          squared += error * error;
        }
      }
      const mse = squared / grey.length;
      let bits = 0;
      for (let k = 0; k < 64; k++) {
        bits += entropy(counts.subarray(SPAN * k, SPAN * k + SPAN), blocks);
      }
      paintGrey(parts.image, width, height, values);
      paintCloseup(parts.closeup, parts.image, crop.closeup);
      paintTable(parts.histogram, table);
      numbers(parts.numbers, [
        ["Quality", state.quality],
        ["PSNR", `${round(psnr(mse), 2)} dB`],
        ["Coefficients quantized to zero", `${round((100 * zeros) / (64 * blocks), 1)} %`],
        ["Entropy, each of the 64 positions coded alone", `${round(bits / 64, 3)} bits per pixel`],
      ]);
      return {
        image: `The raccoon's face through JPEG's quantization at quality ${state.quality}: PSNR ${round(psnr(mse), 2)} dB`,
        closeup: `Close-up at 3 screen pixels per image pixel, quality ${state.quality}`,
        histogram: `JPEG's luminance quantization table at quality ${state.quality}: ${table.join(" ")}`,
      };
    };
  }

  function paintTable(canvas, table) {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = 256;
    const cell = cssWidth / 8;
    canvas.width = Math.round(cssWidth * ratio);
    canvas.height = Math.round(cssWidth * ratio);
    canvas.style.width = canvas.style.height = `${cssWidth}px`;
    canvas.style.flex = "0 0 auto";
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.font = `${Math.round(cell * 0.38)}px system-ui, sans-serif`;
    context.textAlign = "center";
    context.textBaseline = "middle";
    table.forEach((step, k) => {
      const [x, y] = [(k % 8) * cell, Math.floor(k / 8) * cell];
      const shade = Math.round(255 - (step / 255) * 200);
      context.fillStyle = `rgb(${shade},${shade},${shade})`;
      context.fillRect(x, y, cell - 1, cell - 1);
      context.fillStyle = shade < 140 ? "#fff" : "#000";
      context.fillText(String(step), x + cell / 2, y + cell / 2);
    });
  }

  const KINDS = { levels: levelsFigure, dither: ditherFigure, colour: colourFigure, jpeg: jpegFigure };

  function start(figure) {
    const parts = {
      image: figure.querySelector(".live-image"),
      closeup: figure.querySelector(".live-closeup"),
      histogram: figure.querySelector(".live-histogram"),
      numbers: figure.querySelector(".live-numbers"),
    };
    const controls = [...figure.querySelectorAll("input, select")];
    const state = () => Object.fromEntries(controls.map((c) => [c.name, c.value]));
    let render = null;
    let pending = false;
    const update = () => {
      pending = false;
      const began = performance.now();
      const labels = render(state());
      for (const [part, label] of Object.entries(labels)) parts[part].setAttribute("aria-label", label);
      for (const control of controls) {
        const output = figure.querySelector(`output[for="${control.id}"]`);
        if (output) output.value = control.value;
      }
      performance.measure("live-figure-update", { start: began, end: performance.now(), detail: figure.id });
      figure.dataset.updates = String(Number(figure.dataset.updates || 0) + 1);
    };
    const schedule = () => {
      if (render && !pending) {
        pending = true;
        requestAnimationFrame(update);
      }
    };
    for (const control of controls) control.addEventListener("input", schedule);
    new MutationObserver(schedule).observe(document.documentElement, { attributeFilter: ["data-theme"] });
    pixelsOf(figure.dataset.src)
      .then((source) => {
        render = KINDS[figure.dataset.kind](figure, parts, source);
        figure.classList.add("live-ready");
        schedule();
      })
      .catch((error) => {
        parts.numbers.textContent = `This live figure could not load its image (${error.message}).`;
      });
  }

  const figures = document.querySelectorAll("figure.live-figure");
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          start(entry.target);
        }
      }
    },
    { rootMargin: "400px 0px" },
  );
  for (const figure of figures) {
    figure.hidden = false;
    observer.observe(figure);
  }
})();
