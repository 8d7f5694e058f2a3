// The permissions each provider's account must grant us, by default (README "Permission check"
// says where each list comes from). Operators override them with *_REQUIRED_PERMISSIONS.

/**
 * AWS: the tenant role policy the provisioning service documents for the role it assumes (its
 * AWS configuration guide ships it as a policy file; its status check compares a role against
 * the same list). It already holds the five IAM reads our permission check makes.
 */
export const DEFAULT_AWS_PERMISSIONS: readonly string[] = [
  'ec2:CreateKeyPair', 'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:CreateTags',
  'ec2:DeleteKeyPair', 'ec2:DeleteTags', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeImages',
  'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances', 'ec2:DescribeKeyPairs', 'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeLaunchTemplates', 'ec2:DescribeRegions', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSnapshotAttribute',
  'ec2:DescribeTags', 'ec2:ImportKeyPair', 'ec2:RunInstances', 'ec2:StartInstances',
  'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies',
];

/**
 * Azure: the ARM operations creating a virtual machine from an image in a new resource group
 * needs (resource group, network, public address, network interface, security group, SSH key, VM).
 * The provisioning service documents built-in roles for Azure (delegated through Lighthouse:
 * Reader, Virtual Machine Contributor, Contributor), not a list of operations; those roles grant
 * every operation here.
 */
export const DEFAULT_AZURE_PERMISSIONS: readonly string[] = [
  'Microsoft.Compute/images/read', 'Microsoft.Compute/sshPublicKeys/read', 'Microsoft.Compute/sshPublicKeys/write',
  'Microsoft.Compute/virtualMachines/read', 'Microsoft.Compute/virtualMachines/write',
  'Microsoft.Network/networkInterfaces/join/action', 'Microsoft.Network/networkInterfaces/write',
  'Microsoft.Network/networkSecurityGroups/join/action', 'Microsoft.Network/networkSecurityGroups/write',
  'Microsoft.Network/publicIPAddresses/join/action', 'Microsoft.Network/publicIPAddresses/write',
  'Microsoft.Network/virtualNetworks/subnets/join/action', 'Microsoft.Network/virtualNetworks/write',
  'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Resources/subscriptions/resourceGroups/write',
];

/**
 * GCP: the custom role the provisioning service's GCP configuration guide asks the customer to
 * grant its service account on the project, plus resourcemanager.projects.get, the read our
 * reachability check makes.
 */
export const DEFAULT_GCP_PERMISSIONS: readonly string[] = [
  'compute.disks.create', 'compute.images.useReadOnly', 'compute.instanceTemplates.create', 'compute.instanceTemplates.list',
  'compute.instanceTemplates.useReadOnly', 'compute.instances.create', 'compute.instances.get', 'compute.instances.list',
  'compute.instances.setLabels', 'compute.instances.setMetadata', 'compute.instances.setServiceAccount', 'compute.instances.setTags',
  'compute.networks.useExternalIp', 'compute.regions.list', 'compute.subnetworks.use', 'compute.subnetworks.useExternalIp',
  'iam.roles.get', 'iam.serviceAccounts.actAs', 'iam.serviceAccounts.getIamPolicy', 'resourcemanager.projects.get',
  'resourcemanager.projects.getIamPolicy', 'serviceusage.services.use',
];
