// Puppeteer must not download its own browser (no internet on our machines);
// rendering uses a system Chromium found at run time (see src/render/chromium.ts).
module.exports = { skipDownload: true };
