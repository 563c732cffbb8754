# terraform apply -var-file=environments/dev.tfvars   (CI does this before each deploy)
service          = "${{ values.name }}"
environment      = "dev"
github_org       = "${{ values.githubOrg }}"
owner            = "${{ values.ownerName }}"
system           = "${{ values.systemName }}"
aws_region       = "${{ values.awsRegion }}"
eks_cluster_name = "platform-dev"

# Chosen in the golden-path form; switch on later by changing these.
database = ${{ values.resources.database }}
bucket   = ${{ values.resources.bucket }}

database_instance_class       = "db.t4g.micro"
database_allocated_storage_gb = 20
database_multi_az             = false
