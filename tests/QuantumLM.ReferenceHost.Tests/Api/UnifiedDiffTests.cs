using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class UnifiedDiffTests
{
    [Theory]
    [InlineData("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")]
    [InlineData("diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n")]
    [InlineData("--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n\\ No newline at end of file\r\n")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n \n")]
    public void WellFormed_Passes(string diff) => Assert.Null(UnifiedDiff.Validate(diff));

    [Theory]
    [InlineData("", "1:1 ")]
    [InlineData("hello", "1:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n", "5:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ -0,0 +0,0 @@\n", "3:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1 +1 @@\n*a\n", "4:1 ")]
    public void Malformed_SaysWhere(string diff, string position) => Assert.StartsWith(position, UnifiedDiff.Validate(diff), StringComparison.Ordinal);
}
