#!/usr/bin/env bash
# Makes a test video with captions, never the publisher's material: a generated test pattern
# (ffmpeg's testsrc2, with noise so that it keeps its size) and a beep, H.264/AAC in MP4 with
# the index first (faststart), and WebVTT captions that say what it is.
#
#   scripts/test-video.sh OUT.mp4 SECONDS [KILOBITS_PER_SECOND]   (default 250)
#
# OUT.vtt is written next to it. ffmpeg comes from npm (@ffmpeg-installer/linux-x64, an
# optional dependency: Linux x64 only); elsewhere this exits 3 and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/test-video.sh OUT.mp4 SECONDS [KBIT/S]} seconds=${2:?seconds} rate=${3:-250}
ffmpeg=node_modules/@ffmpeg-installer/linux-x64/ffmpeg
# Its postinstall only makes it executable; npm may be set to run no install scripts.
[ -f "$ffmpeg" ] && [ ! -x "$ffmpeg" ] && chmod u+x "$ffmpeg"
if [ ! -x "$ffmpeg" ]; then
  echo "test-video: no ffmpeg at $ffmpeg (npm installs it on Linux x64 only): no test video made" >&2
  exit 3
fi
mkdir -p "$(dirname "$out")"
# A test pattern compresses to almost nothing: above 2 Mbit/s noise keeps it at the rate asked.
noise=""
[ "$rate" -gt 2000 ] && noise=",noise=alls=32:allf=t"
"$ffmpeg" -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25$noise" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t "$seconds" -c:v libx264 -preset ultrafast -profile:v high -pix_fmt yuv420p \
  -b:v "${rate}k" -maxrate "${rate}k" -bufsize "$((rate * 2))k" -g 50 \
  -c:a aac -b:a 64k -shortest -movflags +faststart "$out"
vtt="${out%.*}.vtt"
{
  echo "WEBVTT"
  echo
  echo "00:00.000 --> 00:02.000"
  echo "[Testikuva ja merkkiääni: uutishuoneen ohjelmiston testiaineisto, ei julkaisijan videota]"
  step=$(( seconds / 2 ))
  if [ "$step" -ge 3 ]; then
    echo
    echo "$(printf %02d:%02d $((step / 60)) $((step % 60))).000 --> $(printf %02d:%02d $(((step + 2) / 60)) $(((step + 2) % 60))).000"
    echo "[Videon puoliväli]"
  fi
} >"$vtt"
echo "test-video: $out ($(du -h "$out" | cut -f1)), $vtt" >&2
