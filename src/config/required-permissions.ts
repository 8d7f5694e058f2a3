// The permissions each provider's account must grant us, by default (README "Permission check"
// says where each list comes from). Operators override them with *_REQUIRED_PERMISSIONS.

/**
 * AWS: the actions the provisioning service's documented role policy grants (launching
 * instances from launch templates, key pairs, tags, the describes it reads) plus the IAM reads
 * the permission check itself makes on the role.
 */
export const DEFAULT_AWS_PERMISSIONS: readonly string[] = [
  'ec2:CreateKeyPair', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:DeleteKeyPair',
  'ec2:DescribeAvailabilityZones', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances',
  'ec2:DescribeKeyPairs', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeRegions', 'ec2:DescribeSecurityGroups',
  'ec2:DescribeSnapshots', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:ImportKeyPair', 'ec2:RunInstances',
  'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies',
];

/**
 * Azure: the ARM operations creating a virtual machine from an image in a new resource group
 * needs (resource group, network, public address, network interface, security group, SSH key, VM).
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
 * GCP: the IAM permissions compute.instances.bulkInsert from an instance template needs
 * (instances, their disks, metadata, labels and tags, the template, the network) and the reads
 * of the launch form (zones, regions, machine types, images).
 */
export const DEFAULT_GCP_PERMISSIONS: readonly string[] = [
  'compute.disks.create', 'compute.images.useReadOnly', 'compute.instanceTemplates.useReadOnly',
  'compute.instances.create', 'compute.instances.get', 'compute.instances.list', 'compute.instances.setLabels',
  'compute.instances.setMetadata', 'compute.instances.setTags', 'compute.machineTypes.list', 'compute.regions.list',
  'compute.subnetworks.use', 'compute.subnetworks.useExternalIp', 'compute.zones.list', 'resourcemanager.projects.get',
];
