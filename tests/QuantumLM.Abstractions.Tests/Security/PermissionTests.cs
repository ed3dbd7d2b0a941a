using QuantumLM.Abstractions.Security;

namespace QuantumLM.Abstractions.Tests.Security;

public sealed class PermissionTests
{
    [Theory]
    [InlineData(Role.Admin, Permission.RolesManage, true)]
    [InlineData(Role.Admin, "anything:at-all", true)]
    [InlineData(Role.Researcher, Permission.OrganismsMutate, true)]
    [InlineData(Role.Researcher, Permission.ExperimentsCreate, true)]
    [InlineData(Role.Researcher, Permission.JobsManage, false)]
    [InlineData(Role.Operator, Permission.JobsManage, true)]
    [InlineData(Role.Operator, Permission.OrganismsMutate, false)]
    [InlineData(Role.Viewer, Permission.ExperimentsRead, true)]
    [InlineData(Role.Viewer, Permission.ExperimentsCreate, false)]
    [InlineData(Role.Miner, Permission.TokensClaim, true)]
    [InlineData(Role.Miner, Permission.ExperimentsRead, false)]
    public void IsGranted_FollowsTheSeededTable(Role role, string permission, bool expected) =>
        Assert.Equal(expected, Permission.IsGranted([role], permission));

    [Fact]
    public void IsGranted_NoRoles_IsDenied() => Assert.False(Permission.IsGranted([], Permission.ExperimentsRead));

    [Fact]
    public void IsGranted_AnyRoleSuffices() =>
        Assert.True(Permission.IsGranted([Role.Viewer, Role.Operator], Permission.JobsManage));
}
