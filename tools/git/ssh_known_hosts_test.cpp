#include "tools/git/ssh_known_hosts.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

// Two ed25519 key blobs (type string + 32 bytes) and their base64 forms, made with python's
// base64 module; the hashed host names with python's hmac (salt "0123456789abcdefghij").
const char* kKeyA = "AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
const char* kKeyB = "AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g";
const char* kHashedExampleOrg = "|1|MDEyMzQ1Njc4OWFiY2RlZmdoaWo=|BgGITaWB75RcUOFKz6LKY6rDxXU=";
const char* kHashedExampleOrg2222 = "|1|MDEyMzQ1Njc4OWFiY2RlZmdoaWo=|2E/Mrq3LZ8R/tVNuXq++96BX3Cs=";

std::string blob(const char* b64) { return base64_decode(b64); }

TEST(KnownHostsTest, Base64) {
  EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(base64_decode("aGVsbG8"), "hello");
  EXPECT_EQ(base64_decode("aGk="), "hi");
  EXPECT_EQ(base64_decode("a$b"), "");
  EXPECT_EQ(blob(kKeyA).size(), 4u + 11u + 4u + 32u);
}

TEST(KnownHostsTest, PlainEntries) {
  std::string file = std::string("# comment\n\ngithub.com,140.82.112.3 ssh-ed25519 ") + kKeyA + " c\n" +
                     "[git.example.com]:2222 ssh-ed25519 " + kKeyB + "\n";
  EXPECT_EQ(check_known_host(file, "github.com", 22, blob(kKeyA)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "140.82.112.3", 22, blob(kKeyA)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "github.com", 22, blob(kKeyB)), HostKeyCheck::kMismatch);
  EXPECT_EQ(check_known_host(file, "gitlab.com", 22, blob(kKeyA)), HostKeyCheck::kUnknown);
  EXPECT_EQ(check_known_host(file, "git.example.com", 2222, blob(kKeyB)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "git.example.com", 22, blob(kKeyB)), HostKeyCheck::kUnknown)
      << "an entry for port 2222 says nothing about port 22";
}

TEST(KnownHostsTest, HashedEntriesAndPorts) {
  std::string file = std::string(kHashedExampleOrg) + " ssh-ed25519 " + kKeyA + "\n" + kHashedExampleOrg2222 +
                     " ssh-ed25519 " + kKeyB + "\n";
  EXPECT_EQ(check_known_host(file, "example.org", 22, blob(kKeyA)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "example.org", 22, blob(kKeyB)), HostKeyCheck::kMismatch);
  EXPECT_EQ(check_known_host(file, "example.org", 2222, blob(kKeyB)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "example.com", 22, blob(kKeyA)), HostKeyCheck::kUnknown);
}

TEST(KnownHostsTest, WildcardsNegationRevokedAndMarkers) {
  std::string file = std::string("*.corp.example,!evil.corp.example ssh-ed25519 ") + kKeyA + "\n" +
                     "@cert-authority *.corp.example ssh-ed25519 " + kKeyB + "\n" +
                     "@revoked * ssh-ed25519 " + kKeyB + "\n" + "git?.corp.example ssh-ed25519 " + kKeyB + "\n";
  EXPECT_EQ(check_known_host(file, "git.corp.example", 22, blob(kKeyA)), HostKeyCheck::kMatch);
  EXPECT_EQ(check_known_host(file, "evil.corp.example", 22, blob(kKeyA)), HostKeyCheck::kUnknown);
  EXPECT_EQ(check_known_host(file, "git1.corp.example", 22, blob(kKeyB)), HostKeyCheck::kRevoked)
      << "@revoked wins over a later plain entry with the same key";
  EXPECT_EQ(check_known_host(file, "corp.example", 22, blob(kKeyA)), HostKeyCheck::kUnknown);
}

}  // namespace
}  // namespace agent
