#include "ws_wire.hpp"

#include <algorithm>
#include <cstring>
#include <random>

namespace hallcast::bench {
namespace {

std::string base64(const uint8_t* p, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = uint32_t(p[i]) << 16;
    if (i + 1 < n) v |= uint32_t(p[i + 1]) << 8;
    if (i + 2 < n) v |= p[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) !=
        std::tolower(static_cast<unsigned char>(name[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string make_upgrade_request(std::string_view host_port, std::string_view path,
                                 std::string_view subprotocol, std::string_view bearer_token) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  uint8_t key[16];
  for (auto& b : key) b = static_cast<uint8_t>(rng());
  std::string req;
  req.reserve(256);
  req.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_port);
  req.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
  req.append("Sec-WebSocket-Key: ").append(base64(key, sizeof key)).append("\r\n");
  req.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  if (!bearer_token.empty())
    req.append("Authorization: Bearer ").append(bearer_token).append("\r\n");
  req.append("\r\n");
  return req;
}

UpgradeAnswer parse_upgrade_answer(std::string_view buf, std::string_view subprotocol) {
  UpgradeAnswer a;
  size_t end = buf.find("\r\n\r\n");
  if (end == std::string_view::npos) return a;
  a.header_bytes = end + 4;
  std::string_view head = buf.substr(0, end);
  std::string_view status = head.substr(0, head.find("\r\n"));
  a.detail = std::string(status);
  if (status.substr(0, 12) != "HTTP/1.1 101") {
    a.status = UpgradeAnswer::Refused;
    return a;
  }
  bool proto_ok = false;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol == std::string_view::npos ? head.npos : eol - pos);
    if (iequals_prefix(line, "sec-websocket-protocol:"))
      proto_ok = trim(line.substr(23)) == subprotocol;
    if (eol == std::string_view::npos) break;
    pos = eol + 2;
  }
  if (!proto_ok) a.detail += " (subprotocol not confirmed)";
  a.status = proto_ok ? UpgradeAnswer::Accepted : UpgradeAnswer::Refused;
  return a;
}

void append_frame_header(std::vector<uint8_t>& out, uint8_t opcode, uint64_t n, bool masked) {
  const uint8_t mask_bit = masked ? 0x80 : 0;
  out.push_back(static_cast<uint8_t>(0x80 | opcode));
  if (n < 126) {
    out.push_back(static_cast<uint8_t>(mask_bit | n));
  } else if (n <= 0xffff) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(mask_bit | 127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
}

void append_client_frame(std::vector<uint8_t>& out, uint8_t opcode,
                         std::span<const uint8_t> payload, uint32_t mask_key) {
  size_t n = payload.size();
  append_frame_header(out, opcode, n, true);
  uint8_t mask[4] = {uint8_t(mask_key >> 24), uint8_t(mask_key >> 16), uint8_t(mask_key >> 8),
                     uint8_t(mask_key)};
  out.insert(out.end(), mask, mask + 4);
  size_t base = out.size();
  out.resize(base + n);
  for (size_t i = 0; i < n; ++i) out[base + i] = payload[i] ^ mask[i & 3];
}

void WsMessage::append(const uint8_t* p, size_t n) {
  size += n;
  if (opcode == kBinary) {
    size_t k = std::min(n, kHeadBytes - head_len);
    std::memcpy(head.data() + head_len, p, k);
    head_len += k;
  } else if (text.size() < kMaxKeptText) {
    text.append(reinterpret_cast<const char*>(p), std::min(n, kMaxKeptText - text.size()));
  }
}

size_t frame_header_need(const uint8_t* hdr, size_t have) {
  if (have < 2) return 2;
  size_t need = 2;
  uint8_t len7 = hdr[1] & 0x7f;
  if (len7 == 126) need += 2;
  if (len7 == 127) need += 8;
  if (hdr[1] & 0x80) need += 4;
  return need;
}

bool FrameParser::parse_header() {
  if (hdr_[1] & 0x80) return false;  // servers never mask (RFC 6455 5.1)
  frame_fin_ = (hdr_[0] & 0x80) != 0;
  frame_opcode_ = hdr_[0] & 0x0f;
  uint64_t len = hdr_[1] & 0x7f;
  if (len == 126) len = (uint64_t(hdr_[2]) << 8) | hdr_[3];
  if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | hdr_[2 + i];
  }
  if (frame_opcode_ >= kClose) {
    if (!frame_fin_ || len > 125) return false;
    ctrl_.start(frame_opcode_);
  } else if (frame_opcode_ == kContinuation) {
    if (!in_message_) return false;
  } else {
    if (in_message_) return false;
    msg_.start(frame_opcode_);
    in_message_ = true;
  }
  remaining_ = len;
  in_payload_ = true;
  return true;
}

}  // namespace hallcast::bench
