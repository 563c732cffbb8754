# terraform apply -var-file=environments/production.tfvars   (CI does this before each deploy)
service          = "${{ values.name }}"
environment      = "production"
github_org       = "${{ values.githubOrg }}"
owner            = "${{ values.ownerName }}"
system           = "${{ values.systemName }}"
aws_region       = "${{ values.awsRegion }}"
eks_cluster_name = "platform-production"

# Chosen in the golden-path form; switch on later by changing these.
database = ${{ values.resources.database }}
bucket   = ${{ values.resources.bucket }}

database_instance_class       = "db.m7g.large"
database_allocated_storage_gb = 100
database_multi_az             = true
