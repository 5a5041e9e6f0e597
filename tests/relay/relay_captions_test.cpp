// Captions and titles: broadcast to viewers and the streamer, partial/final/corrections, NFC,
// limits, titles from the schedule, persistence across a restart, WebVTT.
#include <regex>

#include "relay_fixture.hpp"

namespace hallcast::relay::test {
namespace {

const std::string kNfd =
    "Chuye\xcc\x82\xcc\x89n \xc4\x91o\xcc\x82\xcc\x89i so\xcc\x82\xcc\x81";  // Chuyển đổi số, NFD
const std::string kNfc = "Chuyển đổi số";

TEST_F(RelayTest, CaptionsReachViewersAndStreamerNormalisedToNfc) {
  start();
  WsClient v = viewer();
  WsClient pub = publisher();
  receive_json(pub, "title");
  WsClient cap = controller("cap-secret");
  cap.send_text(Json{{"type", "caption"}, {"text", kNfd}, {"lang", "vi"}, {"final", false}}.dump());
  Json partial = receive_json(v, "caption");
  EXPECT_EQ(partial["text"], kNfc);
  EXPECT_EQ(partial["final"], false);
  cap.send_text(Json{
      {"type", "caption"}, {"text", kNfd + " là điều bắt buộc"}, {"lang", "vi"}, {"final", true}}
                    .dump());
  Json fin = receive_json(v, "caption");
  EXPECT_EQ(fin["final"], true);
  EXPECT_EQ(fin["id"], partial["id"]) << "a final line replaces its partial";
  EXPECT_EQ(fin["hall"], "hoi-truong");
  EXPECT_EQ(receive_json(pub, "caption")["id"], fin["id"])
      << "the streamer gets captions for burn-in";
  // Correction of the last line; anything else is refused.
  cap.send_text(Json{
      {"type", "caption"},
      {"text", "Chuyển đổi số là điều bắt buộc phải làm"},
      {"final", true},
      {"corrects",
       fin["id"]}}.dump());
  Json corr = receive_json(v, "caption");
  EXPECT_EQ(corr["corrects"], fin["id"]);
  cap.send_text(R"({"type":"caption","text":"x","final":true,"corrects":"c-999"})");
  EXPECT_EQ(receive_json(cap, "error")["code"], "bad_correction");
  cap.send_text(Json{{"type", "caption"}, {"text", std::string(201, 'a')}}.dump());
  EXPECT_EQ(receive_json(cap, "error")["code"], "too_long");
  cap.send_text(R"({"type":"caption","text":"Bonjour","lang":"fr"})");
  EXPECT_EQ(receive_json(cap, "error")["code"], "bad_language");
}

TEST_F(RelayTest, TitlesFollowTheScheduleAndFreeText) {
  start();
  WsClient v = viewer();
  WsClient op = controller("op-secret");
  op.send_text(R"({"type":"title","action":"set","session":"hoi-thao-1","speaker":0})");
  Json t = receive_json(v, "title");
  EXPECT_EQ(t["session"], "hoi-thao-1");
  EXPECT_EQ(t["text"], "Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022");
  EXPECT_EQ(t["speaker"]["name"], "Ông Mai Xuân Liêm");
  op.send_text(R"({"type":"title","action":"next"})");
  EXPECT_EQ(receive_json(v, "title")["speaker"]["name"], "Ông Nguyễn Phú Tiến");
  op.send_text(R"({"type":"title","action":"next"})");
  Json t3 = receive_json(v, "title");
  EXPECT_EQ(t3["session"], "hoi-thao-2");
  EXPECT_FALSE(t3.contains("speaker"));
  op.send_text(R"({"type":"title","action":"previous"})");
  EXPECT_EQ(receive_json(v, "title")["speaker"]["name"], "Ông Nguyễn Phú Tiến");
  op.send_text(R"({"type":"title","action":"set","session":"khai-mac-trien-lam"})");
  EXPECT_EQ(receive_json(op, "error")["code"], "unknown_session") << "another hall's session";
  op.send_text(
      R"({"type":"title","action":"set","text":"Khai mạc","name":"Ông Mai Xuân Liêm","role":"Phó Chủ tịch UBND tỉnh Thanh Hóa"})");
  EXPECT_EQ(receive_json(v, "title")["speaker"]["role"], "Phó Chủ tịch UBND tỉnh Thanh Hóa");
  op.send_text(R"({"type":"title","action":"clear"})");
  EXPECT_EQ(receive_json(v, "title")["cleared"], true);
}

TEST_F(RelayTest, CaptionsAndTitleSurviveARestartAndServeAsWebVtt) {
  start();
  {
    WsClient op = controller("op-secret");
    op.send_text(R"({"type":"title","action":"set","session":"hoi-thao-1","speaker":1})");
    receive_json(op, "ack");
    const char* lines[] = {"Kính thưa các vị đại biểu", "Chuyển đổi số là điều bắt buộc phải làm",
                           "<b>không</b> phải là thẻ & ký hiệu --> mũi tên"};
    for (const char* l : lines) {
      op.send_text(Json{{"type", "caption"}, {"text", l}, {"lang", "vi"}, {"final", true}}.dump());
      EXPECT_EQ(receive_json(op, "ack")["ref"], "caption");
    }
    op.send_text(R"({"type":"caption","text":"đang gõ…","final":false})");
    receive_json(op, "ack");
  }
  stop();
  start();  // same state_dir
  Json hello;
  WsClient v = viewer("", &hello);
  EXPECT_EQ(hello["title"]["speaker"]["name"], "Ông Nguyễn Phú Tiến");
  ASSERT_EQ(hello["captions"].size(), 3u) << hello.dump();  // partials are not kept
  EXPECT_EQ(hello["captions"][1]["text"], "Chuyển đổi số là điều bắt buộc phải làm");
  // Ids continue after the replayed ones.
  WsClient cap = controller("cap-secret");
  cap.send_text(R"({"type":"caption","text":"Xin cảm ơn","final":true})");
  EXPECT_EQ(receive_json(cap, "ack")["caption_id"], "c-4");

  HttpResponse r = http_get(port_, "/captions/hoi-thao-1.vtt");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/vtt", 0), 0u);
  const std::string& vtt = r.body;
  EXPECT_EQ(vtt.rfind("WEBVTT\n\n", 0), 0u) << vtt;
  std::regex cue(R"((c-\d+)\n(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)\n([^\n]+)\n\n)");
  size_t cues = 0;
  for (std::sregex_iterator it(vtt.begin(), vtt.end(), cue), end; it != end; ++it) {
    ++cues;
    EXPECT_LT((*it)[2].str(), (*it)[3].str()) << "cue ends after it starts";
    EXPECT_EQ((*it)[4].str().find("-->"), std::string::npos);
    EXPECT_EQ((*it)[4].str().find('<'), std::string::npos) << "markup must be escaped";
  }
  EXPECT_EQ(cues, 4u) << vtt;
  EXPECT_NE(vtt.find("&lt;b&gt;không&lt;/b&gt; phải là thẻ &amp; ký hiệu --&gt; mũi tên"),
            std::string::npos)
      << vtt;
  EXPECT_EQ(http_get(port_, "/captions/khong-co.vtt").status, 404);
}

}  // namespace
}  // namespace hallcast::relay::test
