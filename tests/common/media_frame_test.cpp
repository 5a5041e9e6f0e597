// Binary media framing (docs/protocol.md): encode/decode round trip and rejection of bad frames.
#include <gtest/gtest.h>

#include "hallcast/common/media_frame.hpp"

namespace hallcast::media {
namespace {

TEST(CommonMediaFrame, RoundTripKeepsEveryField) {
  const std::vector<uint8_t> fmp4 = {'m', 'o', 'o', 'f', 1, 2, 3};
  FrameHeader h;
  h.kind = FrameKind::Fragment;
  h.keyframe = true;
  h.media_time_us = 0x0102030405060708ULL;
  h.capture_time_us = 1665018000000000ULL;  // 2022-10-06T08:00:00+07:00
  h.sequence = 0xDEADBEEF;
  const auto frame = encode_frame(h, fmp4);
  ASSERT_EQ(frame.size(), kFrameHeaderSize + fmp4.size());
  EXPECT_EQ(frame[0], kFrameVersion);
  EXPECT_EQ(frame[4], 0x01);  // big-endian media time
  EXPECT_EQ(frame[11], 0x08);

  const auto back = decode_header(frame);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, FrameKind::Fragment);
  EXPECT_TRUE(back->keyframe);
  EXPECT_EQ(back->media_time_us, h.media_time_us);
  EXPECT_EQ(back->capture_time_us, h.capture_time_us);
  EXPECT_EQ(back->sequence, h.sequence);
  const auto p = payload(frame);
  EXPECT_EQ(std::vector<uint8_t>(p.begin(), p.end()), fmp4);
}

TEST(CommonMediaFrame, AudioOnlyFlagIsBitOneBesideTheKeyframeFlag) {
  FrameHeader h;
  h.audio_only = true;
  auto frame = encode_frame(h, {});
  EXPECT_EQ(frame[2], 2);
  auto back = decode_header(frame);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->audio_only);
  EXPECT_FALSE(back->keyframe);
  h.audio_only = false;
  h.keyframe = true;
  frame = encode_frame(h, {});
  EXPECT_EQ(frame[2], 1);
  EXPECT_FALSE(decode_header(frame)->audio_only);
}

TEST(CommonMediaFrame, InitSegmentWithoutPayload) {
  FrameHeader h;
  h.kind = FrameKind::Init;
  const auto frame = encode_frame(h, {});
  const auto back = decode_header(frame);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, FrameKind::Init);
  EXPECT_FALSE(back->keyframe);
  EXPECT_TRUE(payload(frame).empty());
}

TEST(CommonMediaFrame, RejectsShortUnknownVersionAndKind) {
  auto frame = encode_frame(FrameHeader{}, std::vector<uint8_t>{1, 2});
  EXPECT_FALSE(decode_header(std::span(frame).first(kFrameHeaderSize - 1)));
  auto bad_version = frame;
  bad_version[0] = 2;
  EXPECT_FALSE(decode_header(bad_version));
  EXPECT_TRUE(payload(bad_version).empty());
  auto bad_kind = frame;
  bad_kind[1] = 7;
  EXPECT_FALSE(decode_header(bad_kind));
  auto bad_length = frame;
  bad_length[3] = 200;  // header longer than the frame
  EXPECT_FALSE(decode_header(bad_length));
}

TEST(CommonMediaFrame, WallClockIsNow) {
  const uint64_t t = wall_clock_us();
  EXPECT_GT(t, 1665018000000000ULL);  // after the reference event
  EXPECT_LT(t, 4102444800000000ULL);  // before 2100
}

}  // namespace
}  // namespace hallcast::media
